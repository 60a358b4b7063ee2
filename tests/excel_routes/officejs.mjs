// Excel's side of an Office.js custom-functions add-in, as Microsoft documents it, for
// running the add-in's served JavaScript in Node:
// - CustomFunctions.Error(code, message) and CustomFunctions.ErrorCode (the error codes as
//   the cell shows them; a custom message shows only with #VALUE! and #N/A);
// - CustomFunctions.associate(id, function): the id must be one of the metadata's ids;
// - arguments as Excel passes them to a parameter of dimensionality "matrix": always a
//   2-D array (one cell is [[value]]), dates as serial numbers, an omitted optional
//   argument as null, an error cell (allowErrorForDataTypeAny) as an Excel.ErrorCellValue;
// - the invocation last (requiresAddress: address; requiresParameterAddresses);
// - Office.onReady, Office.context.requirements.isSetSupported, Excel.run with the
//   culture's short date pattern.
// Nothing here talks to the server but the add-in's own code (through the real fetch).
import vm from "node:vm";

export const ErrorCode = Object.freeze({
  divisionByZero: "#DIV/0!",
  invalidName: "#NAME?",
  invalidNumber: "#NUM!",
  invalidReference: "#REF!",
  invalidValue: "#VALUE!",
  notAvailable: "#N/A",
  nullReference: "#NULL!",
});

// #NAME? and #REF! are accepted as input errors only (Microsoft: not as output errors).
const OUTPUT_CODES = new Set(["#DIV/0!", "#NUM!", "#VALUE!", "#N/A", "#NULL!"]);
const WITH_MESSAGE = new Set(["#VALUE!", "#N/A"]);

export class CustomFunctionsError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "CustomFunctions.Error";
    this.code = code;
    if (message === undefined) {
      delete this.message;
    }
  }
}

// An error cell as Excel hands it to a function whose metadata sets allowErrorForDataTypeAny.
export function errorCellValue(code) {
  const types = { "#N/A": "NotAvailable", "#VALUE!": "Value", "#DIV/0!": "Div0",
                  "#REF!": "Ref", "#NUM!": "Num", "#NAME?": "Name", "#NULL!": "Null" };
  return { type: "Error", basicType: "Error", basicValue: code, errorType: types[code] };
}

// An Excel host with the add-in loaded from `base`: its metadata and code fetched as Excel
// fetches them, the code run in a fresh global scope holding only what Office gives it.
export async function loadAddin(base, { runtime = "1.4", culture = "en-GB",
                                        shortDatePattern = "dd/MM/yyyy" } = {}) {
  const meta = await (await fetch(`${base}/xlwings/custom-functions-meta`)).json();
  const code = await (await fetch(`${base}/xlwings/custom-functions-code`)).text();
  const ids = new Set(meta.functions.map((f) => f.id));
  const associated = new Map();
  let ready;
  const readyPromise = new Promise((resolve) => { ready = resolve; });
  const versions = ["1.1", "1.2", "1.3", "1.4"].filter((v) => Number(v) <= Number(runtime));
  const Office = {
    context: {
      contentLanguage: culture,
      requirements: {
        isSetSupported: (name, version) =>
          name === "CustomFunctionsRuntime" && versions.includes(version || "1.1"),
      },
    },
    onReady(callback) {
      const info = { host: "Excel", platform: "PC" };
      return Promise.resolve().then(async () => {
        if (callback) { await callback(info); }
        ready();
        return info;
      });
    },
  };
  const Excel = {
    async run(batch) {
      const format = { shortDatePattern: undefined,
                       load() { this.shortDatePattern = shortDatePattern; } };
      const context = { application: { cultureInfo: { datetimeFormat: format } },
                        sync: async () => undefined };
      return batch(context);
    },
  };
  const CustomFunctions = {
    Error: CustomFunctionsError,
    ErrorCode,
    associate(id, fn) {
      if (!ids.has(id)) { throw new Error(`associate: ${id} is not an id in the metadata`); }
      if (typeof fn !== "function") { throw new Error(`associate: ${id} is not a function`); }
      associated.set(id, fn);
    },
  };
  const context = vm.createContext({ Office, Excel, CustomFunctions, fetch, console,
                                     setTimeout, clearTimeout, URL, TextEncoder });
  vm.runInContext(code, context, { filename: `${base}/xlwings/custom-functions-code` });
  await readyPromise;
  await new Promise((resolve) => setTimeout(resolve, 0)); // Excel.run inside onReady
  return { meta, associated, byId: new Map(meta.functions.map((f) => [f.id, f])) };
}

// What Excel puts in the cells for one formula =KPI.ID(args...): a 2-D array of
// {value} / {date, format} / {error, message}; a plain object Excel cannot show is a
// test failure here (Excel would show #VALUE! with no reason, or nothing useful).
export async function calculate(addin, id, args, { omitted = null } = {}) {
  const fn = addin.associated.get(id);
  const info = addin.byId.get(id);
  if (!fn) { throw new Error(`${id} was never associated`); }
  if (args.length > info.parameters.length) { throw new Error(`${id}: too many arguments`); }
  const passed = info.parameters.map((p, i) => {
    if (i >= args.length) {
      if (!p.optional) { throw new Error(`${id}: ${p.name} is required`); }
      return omitted;
    }
    return asArgument(args[i], p);
  });
  const invocation = {
    address: "Sheet1!C2",
    functionName: info.name,
    parameterAddresses: passed.map((_, i) => `Sheet1!${String.fromCharCode(65 + i)}1`),
  };
  let result;
  try {
    result = await fn(...passed, invocation);
  } catch (error) {
    return [[shown(error)]];
  }
  if (info.result.dimensionality === "matrix") {
    if (!Array.isArray(result) || !result.every(Array.isArray)) {
      throw new Error(`${id} returned ${JSON.stringify(result)}, not a 2-D array`);
    }
    const widths = new Set(result.map((row) => row.length));
    if (widths.size !== 1) { throw new Error(`${id}: ragged result ${JSON.stringify(result)}`); }
    return result.map((row) => row.map(shown));
  }
  return [[shown(result)]];
}

function asArgument(value, parameter) {
  if (parameter.dimensionality !== "matrix" || value === null) { return value; }
  if (Array.isArray(value)) { return value; }
  return [[value]];
}

function shown(cell) {
  if (cell instanceof CustomFunctionsError) {
    if (!Object.values(ErrorCode).includes(cell.code)) {
      throw new Error(`error code ${cell.code} is not a CustomFunctions.ErrorCode`);
    }
    if (!OUTPUT_CODES.has(cell.code)) {
      throw new Error(`${cell.code} is an input error only, not one a function can return`);
    }
    return { error: cell.code, message: WITH_MESSAGE.has(cell.code) ? cell.message : undefined };
  }
  if (cell === null || cell === undefined) {
    throw new Error("a null cell (Excel shows 0 or nothing predictable): return \"\"");
  }
  if (typeof cell === "object") {
    if (cell.type === "FormattedNumber" || cell.type === "Double") {
      return { date: cell.basicValue, format: cell.numberFormat };
    }
    throw new Error(`a plain object in a cell: ${JSON.stringify(cell)} ` +
                    "(Excel takes only CustomFunctions.Error for errors)");
  }
  if (typeof cell === "number" && !Number.isFinite(cell)) {
    throw new Error(`a non-finite number ${cell} in a cell`);
  }
  return { value: cell };
}
