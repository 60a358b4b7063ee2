// Office.js as the task pane meets it inside Excel, stubbed (served in place of
// appsforoffice.microsoft.com's office.js by test_taskpane_chromium.py): Office.onReady,
// Office.context.document.getFileAsync(Office.FileType.Compressed) handing over the
// workbook the test put in window.xlkpiTestWorkbook (base64) in slices, as Office does,
// with the file's size (window.xlkpiTestFileSize overrides it); CustomFunctions for the
// shared runtime's custom-functions code.
(function () {
  "use strict";
  const Succeeded = "succeeded";
  function bytes() {
    const text = atob(window.xlkpiTestWorkbook || "");
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i += 1) { out[i] = text.charCodeAt(i); }
    return out;
  }
  window.Office = {
    AsyncResultStatus: { Succeeded, Failed: "failed" },
    FileType: { Compressed: "compressed", Pdf: "pdf", Text: "text" },
    context: {
      contentLanguage: "en-GB",
      requirements: { isSetSupported: () => true },
      document: {
        getFileAsync(fileType, options, callback) {
          const data = bytes();
          const sliceSize = options.sliceSize;
          const file = {
            size: window.xlkpiTestFileSize || data.length,
            sliceCount: Math.max(1, Math.ceil(data.length / sliceSize)),
            closed: false,
            getSliceAsync(index, done) {
              const part = Array.from(data.slice(index * sliceSize, (index + 1) * sliceSize));
              setTimeout(() => done({ status: Succeeded, value: { index, data: part, size: part.length } }), 0);
            },
            closeAsync(done) { this.closed = true; if (done) { done({ status: Succeeded }); } },
          };
          window.xlkpiTestFile = file;
          setTimeout(() => callback({ status: Succeeded, value: file }), 0);
        },
      },
    },
    onReady(callback) {
      return new Promise((resolve) => {
        const ready = () => {
          const info = { host: "Excel", platform: "OfficeOnline" };
          if (callback) { callback(info); }
          resolve(info);
        };
        if (document.readyState === "loading") {
          document.addEventListener("DOMContentLoaded", ready);
        } else {
          setTimeout(ready, 0);
        }
      });
    },
  };
  window.Excel = {
    run: async (batch) => batch({
      application: { cultureInfo: { datetimeFormat: { load() { this.shortDatePattern = "dd/MM/yyyy"; } } } },
      sync: async () => undefined,
    }),
  };
  class CustomFunctionsError extends Error {
    constructor(code, message) { super(message); this.code = code; }
  }
  window.CustomFunctions = {
    Error: CustomFunctionsError,
    ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A", divisionByZero: "#DIV/0!",
                 invalidNumber: "#NUM!", nullReference: "#NULL!", invalidName: "#NAME?",
                 invalidReference: "#REF!" },
    associated: {},
    associate(id, fn) { this.associated[id] = fn; },
  };
}());
