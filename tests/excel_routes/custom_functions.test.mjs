// The add-in's custom functions as Excel runs them: the served metadata and code loaded
// into a stubbed Office host (officejs.mjs), every call going over real HTTP to the
// `xlkpi serve` that test_officejs_node.py started (XLKPI_BASE). Run: node --test.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { calculate, CustomFunctionsError, errorCellValue, loadAddin } from "./officejs.mjs";

const BASE = process.env.XLKPI_BASE;
const NA = errorCellValue("#N/A");
const v = (value) => ({ value });
const date = (serial) => ({ date: serial, format: "dd/MM/yyyy" });
const VALUE = (reason) => ({ error: "#VALUE!", message: reason });
const FROM_NA = { error: "#N/A", message: "an input cell holds #N/A" };
const BANDS = "90% or above Green 85%-89% Amber 84% and below Red";
const BENCH = [[70, 75, 76, 78, 80, 82, 90, 92, 93, 99]];

// id: [form, arguments as Excel passes them, what the cells show]. Forms: a scalar (one
// cell), a 2-D range, a blank cell (null in a range, as Office.js sends empty cells), a
// bad value and an error cell. 45051 = Fri 5 May 2023, 45056 = Wed 10 May 2023 (the
// Coronation bank holiday between); the expected figures are tests/test_server.py's.
const CASES = {
  WORKDAYS: [
    ["scalar", [45051, 45056], [[v(2)]]],
    ["range", [[[45051], [45049]], [[45056]]], [[v(2)], [v(4)]]],
    ["blank", [[[45051], [null], [""]], 45056], [[v(2)], [v("")], [v("")]]],
    ["bad", ["31/02/2023", 45056], [[VALUE(/start: '31\/02\/2023' is not a date/)]]],
    ["error", [[[NA], [45051]], 45056], [[FROM_NA], [v(2)]]],
  ],
  WORKDAY: [
    ["scalar", [45051, 2], [[date(45056)]]],
    ["range", [[[45051, 45051]], [[0, 2]]], [[date(45051), date(45056)]]],
    ["blank", [null, 2], [[v("")]]],
    ["bad", ["soon", 2], [[VALUE(/soon/)]]],
    ["error", [NA, 2], [[FROM_NA]]],
  ],
  DUE: [
    ["scalar", [45051, "ASSESSMENT"], [[date(45118)]]],
    ["range", [[[45051], [null]], "ASSESSMENT"], [[date(45118)], [v("")]]],
    ["blank", [null, "ASSESSMENT"], [[v("")]]],
    ["bad", [45051, "NO_SUCH_TIMESCALE"], [[VALUE(/NO_SUCH_TIMESCALE/)]]],
    ["error", [45051, NA], [[FROM_NA]]],
  ],
  WITHIN: [
    ["scalar", [45051, 45056, "ASSESSMENT"], [[v(true)]]],
    ["range", [[[45051], [45051]], [[45056], [null]], "ICPC"], [[v(true)], [v("")]]],
    // an open task (end blank) past its due date on the reporting date is late
    ["blank", [45051, null, "ICPC", null, 45100], [[v(false)]]],
    ["bad", [45056, 45051, "ICPC"], [[VALUE(/end|before|start/)]]],
    ["error", [45051, NA, "ICPC"], [[FROM_NA]]],
  ],
  PCT: [
    ["scalar", [14, 16], [[v(0.875)]]],
    ["range", [[[14, 5]], [[16, 0]]], [[v(0.875), v("N/A")]]],
    ["blank", [[[14], [null]], 16], [[v(0.875)], [v("")]]],
    ["bad", ["many", 16], [[VALUE(/many/)]]],
    ["error", [[[NA, 14]], 16], [[FROM_NA, v(0.875)]]],
  ],
  RATE: [
    ["scalar", [245, 36100], [[v(245 / 36100 * 10000)]]],
    ["range", [[[245], [0]], 36100], [[v(245 / 36100 * 10000)], [v(0)]]],
    ["blank", [null, 36100], [[v("")]]],
    ["bad", [245, 0], [[v("N/A")]]],
    ["error", [245, NA], [[FROM_NA]]],
  ],
  CHANGE: [
    ["scalar", [28208, 34029], [[v("-5,821 (-17.1%)")]]],
    ["range", [[[28208], [6738]], [[34029], [7154]]], [[v("-5,821 (-17.1%)")], [v("-416 (-5.8%)")]]],
    ["blank", [null, 34029], [[v("")]]],
    ["bad", ["lots", 34029], [[VALUE(/lots/)]]],
    ["error", [NA, 34029], [[FROM_NA]]],
  ],
  RAG: [
    ["scalar", [0.782, "High", 0.7, 0.8], [[v("Amber")]]],
    ["range", [[[0.9], [0.6]], "High", 0.7, 0.8], [[v("Green")], [v("Red")]]],
    ["blank", [null, "High", 0.7, 0.8], [[v("")]]],
    ["bad", [0.9, "Sideways", 0.7, 0.8], [[VALUE(/Sideways/)]]],
    ["error", [[[0.9], [NA]], "High", 0.7, 0.8], [[v("Green")], [FROM_NA]]],
  ],
  RAG_TARGET: [
    ["scalar", [0.82, 0.9, "BIB"], [[v("Amber")]]],
    ["range", [[[0.95], [0.5]], 0.9, "BIB"], [[v("Green")], [v("Red")]]],
    ["blank", [null, 0.9, "BIB"], [[v("")]]],
    ["bad", [0.82, "ninety", "BIB"], [[VALUE(/ninety/)]]],
    ["error", [NA, 0.9, "BIB"], [[FROM_NA]]],
  ],
  RAG_TEXT: [
    ["scalar", [0.82, BANDS], [[v("Red")]]],
    ["range", [[[0.9], [0.87]], BANDS], [[v("Green")], [v("Amber")]]],
    ["blank", [null, BANDS], [[v("")]]],
    ["bad", [0.9, "mostly fine"], [[VALUE(/mostly fine/)]]],
    ["error", [NA, BANDS], [[FROM_NA]]],
  ],
  DOT: [
    ["scalar", [0.238, 0.2, "Low"], [[v("Worsening")]]],
    ["range", [[[0.238], [0.1]], 0.2, "Low"], [[v("Worsening")], [v("Improving")]]],
    ["blank", [null, 0.2, "Low"], [[v("")]]],
    ["bad", [0.238, 0.2, "Upwards"], [[VALUE(/Upwards/)]]],
    ["error", [NA, 0.2, "Low"], [[FROM_NA]]],
  ],
  TREND: [
    ["scalar", [[[1, 2, 4, 3, 5]]], [[v("Increasing")]]],
    ["range", [[[5], [4], [3]]], [[v("Reducing")]]],
    // a missing month leaves the dataset incomplete; an error cell in the series is the answer
    ["blank", [[[1], [null], [3], [4]]], [[v("Dataset is incomplete")]]],
    ["bad", [[[1, 2], [3, 4]]], [[VALUE(/one row or one column/)]]],
    ["error", [[[1], [NA], [3]]], [[FROM_NA]]],
  ],
  QUARTILE: [
    ["scalar", [95, BENCH, "High"], [[v(1)]]],
    ["range", [[[95], [60]], BENCH, "High"], [[v(1)], [v(4)]]],
    ["blank", [null, BENCH, "High"], [[v("")]]],
    ["bad", [95, BENCH, "To Target"], [[VALUE(/To Target/)]]],
    ["error", [NA, BENCH, "High"], [[FROM_NA]]],
  ],
  SYMBOL: [
    ["scalar", ["Green"], [[v("★")]]],
    ["range", [[["Green"], ["Red"]]], [[v("★")], [v("✖")]]],
    ["blank", [null], [[v("")]]],
    ["bad", ["Purple"], [[VALUE(/Purple/)]]],
    ["error", [NA], [[FROM_NA]]],
  ],
};

// Cell by cell; an error cell's reason is matched by a pattern (it is what the user reads).
function assertCells(actual, expected, label) {
  assert.equal(actual.length, expected.length, `${label}: rows`);
  actual.forEach((row, r) => {
    assert.equal(row.length, expected[r].length, `${label}: columns in row ${r + 1}`);
    row.forEach((cell, c) => {
      const want = expected[r][c];
      const where = `${label} cell ${r + 1},${c + 1}`;
      if (want.error) {
        assert.equal(cell.error, want.error, `${where}: ${JSON.stringify(cell)}`);
        assert.ok(cell.message && cell.message.length <= 255, `${where}: a reason`);
        if (want.message instanceof RegExp) { assert.match(cell.message, want.message, where); }
        else { assert.equal(cell.message, want.message, where); }
      } else if (typeof want.value === "number") {
        assert.ok(Math.abs(cell.value - want.value) < 1e-9, `${where}: ${JSON.stringify(cell)}`);
      } else {
        assert.deepEqual(cell, want, where);
      }
    });
  });
}

let addin;
before(async () => {
  assert.ok(BASE, "XLKPI_BASE: the address of a running xlkpi serve");
  addin = await loadAddin(BASE);
});

test("every function in the metadata is associated, and no other", () => {
  assert.deepEqual([...addin.associated.keys()].sort(), addin.meta.functions.map((f) => f.id).sort());
  assert.deepEqual(Object.keys(CASES).sort(), [...addin.associated.keys()].sort());
});

for (const [id, cases] of Object.entries(CASES)) {
  describe(`KPI.${id}`, () => {
    for (const [form, args, expected] of cases) {
      test(form, async () => assertCells(await calculate(addin, id, args), expected, `${id} ${form}`));
    }
  });
}

test("an error cell reaches Excel as a CustomFunctions.Error, never a plain object", async () => {
  const fn = addin.associated.get("PCT");
  const cells = await fn([[14, "many"]], [[16, 16]], { address: "Sheet1!C2" });
  assert.equal(cells[0][0], 0.875);
  assert.ok(cells[0][1] instanceof CustomFunctionsError, JSON.stringify(cells[0][1]));
  assert.equal(cells[0][1].code, "#VALUE!");
  assert.match(cells[0][1].message, /many/);
});

test("omitted optional arguments as undefined work as null does", async () => {
  assertCells(await calculate(addin, "WORKDAYS", [45051, 45056], { omitted: undefined }),
              [[v(2)]], "WORKDAYS undefined");
});

test("a call the server refuses is #VALUE! with the server's reason", async () => {
  const fn = addin.associated.get("RAG");
  await assert.rejects(fn([[0.9]], { address: "Sheet1!C2" }), (error) => {
    assert.ok(error instanceof CustomFunctionsError);
    assert.equal(error.code, "#VALUE!");
    assert.match(error.message, /missing 3 required positional arguments/);
    return true;
  });
});

test("an older runtime (before 1.4) gets dates as plain serial numbers", async () => {
  const old = await loadAddin(BASE, { runtime: "1.3" });
  assertCells(await calculate(old, "WORKDAY", [45051, 2]), [[v(45056)]], "WORKDAY 1.3");
  assertCells(await calculate(old, "PCT", ["many", 16]), [[VALUE(/many/)]], "PCT 1.3");
});

test("server down: #N/A saying the server is not reachable", async () => {
  const code = await (await fetch(`${BASE}/xlwings/custom-functions-code`)).text();
  const dead = "http://127.0.0.1:9"; // the discard port: nothing listens
  const original = globalThis.fetch;
  globalThis.fetch = async (url, init) =>
    original(String(url).startsWith(BASE) && !String(url).includes("custom-functions-call")
      ? url : String(url).replace(BASE, dead), init);
  try {
    const down = await loadAddin(BASE);
    assert.ok(code.includes("custom-functions-call"));
    assertCells(await calculate(down, "PCT", [14, 16]),
                [[{ error: "#N/A", message: /xlkpi server not reachable/ }]], "PCT down");
  } finally {
    globalThis.fetch = original;
  }
});
