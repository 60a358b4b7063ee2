// xlkpi custom functions for Office.js. Each KPI function forwards its arguments to the
// xlkpi server (POST /xlwings/custom-functions-call, the body xlwings' server helpers
// read) and returns the result; a refused call shows as #VALUE! with the reason on hover.
// An error cell in the result ({"type": "Error", "errorType": ..., "message": ...}) goes to
// Excel as a CustomFunctions.Error: the only errors a custom function can return.
"use strict";

// The server's errorType (Excel.ErrorCellValueType) as a CustomFunctions.ErrorCode name.
// #NAME? and #REF! are input errors only, and the newer errors (#SPILL!, #CALC!, ...) are
// not in every ErrorCode: those come back as #VALUE! with the original code in the reason.
const xlkpiErrorCodes = {
  Value: "invalidValue",
  NotAvailable: "notAvailable",
  Div0: "divisionByZero",
  Num: "invalidNumber",
  Null: "nullReference",
};
// Excel shows a custom message only with #VALUE! and #N/A.
const xlkpiWithMessage = new Set(["invalidValue", "notAvailable"]);

function xlkpiError(code, message) {
  const known = CustomFunctions.ErrorCode[code] !== undefined;
  const errorCode = known ? CustomFunctions.ErrorCode[code] : CustomFunctions.ErrorCode.invalidValue;
  if (!known || xlkpiWithMessage.has(code)) {
    return new CustomFunctions.Error(errorCode, String(message || "").slice(0, 255));
  }
  return new CustomFunctions.Error(errorCode);
}

function xlkpiCell(value) {
  if (value !== null && typeof value === "object" && value.type === "Error") {
    const code = xlkpiErrorCodes[value.errorType];
    const reason = value.message || value.basicValue || "";
    return code ? xlkpiError(code, reason)
                : xlkpiError("invalidValue", `${value.basicValue || value.errorType}: ${reason}`);
  }
  return value;
}

let xlkpiRuntime = "1.1";
let xlkpiDateFormat = "";

Office.onReady(async () => {
  for (const version of ["1.4", "1.3", "1.2"]) {
    if (Office.context.requirements.isSetSupported("CustomFunctionsRuntime", version)) {
      xlkpiRuntime = version;
      break;
    }
  }
  try {
    await Excel.run(async (context) => {
      const culture = context.application.cultureInfo.datetimeFormat;
      culture.load("shortDatePattern");
      await context.sync();
      xlkpiDateFormat = culture.shortDatePattern;
    });
  } catch (error) {
    xlkpiDateFormat = "";
  }
});

async function xlkpiCall(funcName, args, invocation) {
  const body = {
    func_name: funcName,
    args: args,
    caller_address: invocation && invocation.address ? invocation.address : "",
    culture_info_name: Office.context.contentLanguage || "",
    date_format: xlkpiDateFormat,
    runtime: xlkpiRuntime,
    version: "{{XLWINGS_VERSION}}",
    client: "Office.js",
  };
  let response;
  try {
    response = await fetch("{{BASE_URL}}/xlwings/custom-functions-call", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new CustomFunctions.Error(CustomFunctions.ErrorCode.notAvailable,
      `xlkpi server not reachable: ${error}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw xlkpiError("invalidValue", text);
  }
  let result;
  try {
    result = JSON.parse(text).result;
  } catch (error) {
    throw xlkpiError("invalidValue", `xlkpi server sent something that is not JSON: ${text}`);
  }
  if (!Array.isArray(result)) {
    return xlkpiCell(result);
  }
  return result.map((row) => (Array.isArray(row) ? row.map(xlkpiCell) : xlkpiCell(row)));
}

function xlkpiFunction(funcName) {
  // Office.js passes the invocation (the calling cell) last.
  return async (...args) => {
    const invocation = args.pop();
    return xlkpiCall(funcName, args, invocation);
  };
}
