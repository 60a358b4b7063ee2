// xlkpi custom functions for Office.js. Each KPI function forwards its arguments to the
// xlkpi server (POST /xlwings/custom-functions-call, the body xlwings' server helpers
// read) and returns the result; a refused call shows as #VALUE! with the reason on hover.
"use strict";

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
    throw new CustomFunctions.Error(CustomFunctions.ErrorCode.invalidValue,
      text.slice(0, 255));
  }
  return JSON.parse(text).result;
}

function xlkpiFunction(funcName) {
  // Office.js passes the invocation (the calling cell) last.
  return async (...args) => {
    const invocation = args.pop();
    return xlkpiCall(funcName, args, invocation);
  };
}
