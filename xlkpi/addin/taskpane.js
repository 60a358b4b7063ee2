// xlkpi task pane: "Check this workbook" sends the workbook as saved in Excel to the
// xlkpi server, which recalculates it headlessly and lists every figure that differs
// and every formula problem (lint findings) it finds.
"use strict";

const XLKPI_SERVER = "{{BASE_URL}}";
const XLKPI_MAX_BYTES = Number("{{MAX_WORKBOOK_BYTES}}");

class XlkpiProblem extends Error {}

function megabytes(bytes) {
  return `${(bytes / 1000000).toLocaleString("en-GB", { maximumFractionDigits: 1 })} MB`;
}

function tooBig(size) {
  return new XlkpiProblem(`This workbook is too big to check here (${megabytes(size)}; ` +
    `the xlkpi server takes up to ${megabytes(XLKPI_MAX_BYTES)}). Run ` +
    "\"xlkpi check\" on the saved file instead, or ask IT to raise the limit.");
}

function readWorkbook() {
  return new Promise((resolve, reject) => {
    Office.context.document.getFileAsync(Office.FileType.Compressed,
      { sliceSize: 4194304 }, (result) => {
        if (result.status !== Office.AsyncResultStatus.Succeeded) {
          reject(new XlkpiProblem(`Excel did not hand over the workbook: ${result.error.message}`));
          return;
        }
        const file = result.value;
        if (file.size > XLKPI_MAX_BYTES) {
          file.closeAsync();
          reject(tooBig(file.size));
          return;
        }
        const slices = [];
        const next = (index) => file.getSliceAsync(index, (slice) => {
          if (slice.status !== Office.AsyncResultStatus.Succeeded) {
            file.closeAsync();
            reject(new XlkpiProblem(`Excel stopped handing over the workbook: ${slice.error.message}`));
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

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) {
    node.textContent = text === null ? "" : String(text);
  }
  if (className) { node.className = className; }
  return node;
}

function showFindings(container, findings) {
  container.appendChild(element("h2", `Formula problems (${findings.length})`));
  const list = element("ul");
  for (const f of findings) {
    const item = element("li");
    item.appendChild(element("strong", `${f.sheet}!${f.cell}`));
    item.appendChild(document.createTextNode(` (${f.severity}, `));
    item.appendChild(element("span", f.code, "code"));
    item.appendChild(document.createTextNode(`): ${f.message}`));
    list.appendChild(item);
  }
  container.appendChild(list);
}

function showDifferences(container, differences, skipped) {
  container.appendChild(element("h2", `Figures that differ (${differences.length + skipped.length})`));
  const table = element("table");
  table.appendChild(element("caption", "Excel's saved value beside xlkpi's"));
  const head = table.createTHead().insertRow();
  for (const title of ["Cell", "Excel", "xlkpi"]) {
    const th = element("th", title);
    th.scope = "col";
    head.appendChild(th);
  }
  const body = table.createTBody();
  const row = (where, excel, xlkpi) => {
    const tr = body.insertRow();
    [where, excel, xlkpi].forEach((v) => tr.appendChild(element("td", v)));
  };
  const blank = (v) => (v === null || v === undefined || v === "" ? "(blank)" : v);
  for (const d of differences) { row(`${d.sheet}!${d.cell}`, blank(d.cached), blank(d.computed)); }
  for (const s of skipped) { row(`${s.sheet}!${s.cell}`, "", `not evaluated: ${s.reason}`); }
  container.appendChild(table);
}

async function postWorkbook(body) {
  let response;
  try {
    response = await fetch(`${XLKPI_SERVER}/xlkpi/check`, {
      method: "POST", headers: { "Content-Type": "application/octet-stream" }, body,
    });
  } catch (error) {
    throw new XlkpiProblem(`The xlkpi server at ${XLKPI_SERVER} did not answer. It may be ` +
      "stopped or unreachable from this computer: try again in a minute, or tell IT.");
  }
  const text = await response.text();
  if (response.status === 413) { throw tooBig(body.size); }
  if (!response.ok) {
    throw new XlkpiProblem(`The server could not check this workbook: ${text.replace(/^xlkpi: /, "")}`);
  }
  return JSON.parse(text);
}

async function checkWorkbook() {
  const button = document.getElementById("check");
  const status = document.getElementById("status");
  const findings = document.getElementById("findings");
  findings.textContent = "";
  status.className = "busy";
  status.textContent = "Checking the workbook as last saved...";
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const result = await postWorkbook(await readWorkbook());
    const differ = result.differences.length + result.skipped.length;
    const lint = (result.findings || []).length;
    status.className = differ || lint ? "bad" : "ok";
    status.textContent = `${result.compared.toLocaleString("en-GB")} cells compared: ` +
      (differ ? `${result.differences.length} differ, ${result.skipped.length} not evaluated`
              : "every figure agrees") +
      (lint ? `; ${lint} formula problem${lint === 1 ? "" : "s"}.` : ".");
    if (lint) { showFindings(findings, result.findings); }
    if (differ) { showDifferences(findings, result.differences, result.skipped); }
  } catch (error) {
    status.className = "bad";
    status.textContent = error instanceof XlkpiProblem ? error.message
      : `The check did not run: ${error}`;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.focus();
  }
}

Office.onReady(() => {
  document.getElementById("check").addEventListener("click", checkWorkbook);
});
