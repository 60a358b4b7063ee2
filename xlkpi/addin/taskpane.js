// xlkpi task pane: "Check this workbook" sends the workbook as saved in Excel to the
// xlkpi server, which recalculates it headlessly and lists every figure that differs.
"use strict";

function readWorkbook() {
  return new Promise((resolve, reject) => {
    Office.context.document.getFileAsync(Office.FileType.Compressed,
      { sliceSize: 4194304 }, (result) => {
        if (result.status !== Office.AsyncResultStatus.Succeeded) {
          reject(result.error.message);
          return;
        }
        const file = result.value;
        const slices = [];
        const next = (index) => file.getSliceAsync(index, (slice) => {
          if (slice.status !== Office.AsyncResultStatus.Succeeded) {
            file.closeAsync();
            reject(slice.error.message);
            return;
          }
          slices.push(new Uint8Array(slice.value.data));
          if (index + 1 < file.sliceCount) {
            next(index + 1);
          } else {
            file.closeAsync();
            resolve(new Blob(slices));
          }
        });
        next(0);
      });
  });
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  return td;
}

async function checkWorkbook() {
  const status = document.getElementById("status");
  const findings = document.getElementById("findings");
  findings.textContent = "";
  status.className = "";
  status.textContent = "Checking...";
  try {
    const response = await fetch("{{BASE_URL}}/xlkpi/check", {
      method: "POST", headers: { "Content-Type": "application/octet-stream" },
      body: await readWorkbook(),
    });
    const text = await response.text();
    if (!response.ok) { throw new Error(text); }
    const result = JSON.parse(text);
    const problems = result.differences.length + result.skipped.length;
    status.className = problems ? "bad" : "ok";
    status.textContent = `${result.compared} cells compared: ` +
      (problems ? `${result.differences.length} differ, ${result.skipped.length} not evaluated`
                : "every figure agrees");
    if (problems) {
      const table = document.createElement("table");
      const head = table.insertRow();
      for (const title of ["Sheet", "Cell", "Excel", "xlkpi"]) {
        const th = document.createElement("th");
        th.textContent = title;
        head.appendChild(th);
      }
      for (const d of result.differences) {
        const row = table.insertRow();
        [d.sheet, d.cell, d.cached, d.computed].forEach((v) => row.appendChild(cell(v)));
      }
      for (const s of result.skipped) {
        const row = table.insertRow();
        [s.sheet, s.cell, "", `not evaluated: ${s.reason}`].forEach((v) => row.appendChild(cell(v)));
      }
      findings.appendChild(table);
    }
  } catch (error) {
    status.className = "bad";
    status.textContent = `The check did not run: ${error}`;
  }
}

Office.onReady(() => {
  document.getElementById("check").onclick = checkWorkbook;
});
