"""The task pane in headless Chromium (Debian's), Office.js stubbed (office_stub.js) to
hand it a workbook, "Check this workbook" posting it to a real `xlkpi serve`.

Driven with Playwright on the system Chromium (no browser download). Screenshots go to
the test output folder (out/test-excel-routes/ unless XLKPI_TEST_OUTPUT says otherwise).
"""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from tests.serving import running_server

playwright = pytest.importorskip("playwright.sync_api")

HERE = Path(__file__).resolve().parent
WIDTH = 340  # a task pane is 320-350 px wide
OFFICE_JS = "https://appsforoffice.microsoft.com/**"


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is missing: make test-excel-routes installs Debian's chromium"
    return path


def _workbook(folder: Path) -> bytes:
    """A small workbook with figures to compare and formula problems to lint."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Cases"
    sheet.append(["Referral", "Assessment", "Working days", "Check"])
    for row in range(2, 5):
        sheet.append([dt.date(2023, 5, 5), dt.date(2023, 5, 10), f"=NETWORKDAYS(A{row},B{row})",
                      f"=KPI_NOPE(A{row})"])
    sheet["E2"] = "=KPI_WORKDAYS(A:A,B:B)"
    path = folder / "cases.xlsx"
    book.save(path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=_chromium(),
                                     args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def _page(browser, base: str, workbook: bytes, size: int | None = None):
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    page.route(OFFICE_JS, lambda route: route.fulfill(
        body=(HERE / "office_stub.js").read_text(encoding="utf-8"),
        content_type="text/javascript"))
    setup = f"window.xlkpiTestWorkbook = {base64.b64encode(workbook).decode()!r};"
    if size:
        setup += f"window.xlkpiTestFileSize = {size};"
    page.add_init_script(setup)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/taskpane.html")
    page.wait_for_function("window.CustomFunctions"
                           " && Object.keys(CustomFunctions.associated).length")
    return page, errors


def _press_check_with_keyboard(page) -> None:
    """Reach the button with Tab alone and press it with Enter, as a keyboard user does."""
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "check":
            break
    else:
        raise AssertionError("the Check button cannot be reached with the Tab key")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the focused button shows no focus outline"
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('status').className !== 'busy'"
                           " && document.getElementById('status').textContent !== ''",
                           timeout=60_000)


CONTRAST = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (node) => {
    for (; node; node = node.parentElement) {
      const bg = rgb(getComputedStyle(node).backgroundColor);
      if (bg.length === 3 || (bg.length === 4 && bg[3] > 0)) { return bg.slice(0, 3); }
    }
    return [255, 255, 255];
  };
  const worst = [];
  const texts = "h1, h2, p, button, #status, th, td, li, caption, code";
  for (const node of document.querySelectorAll(texts)) {
    if (!node.textContent.trim() || !node.offsetParent) { continue; }
    const a = lum(rgb(getComputedStyle(node).color).slice(0, 3)), b = lum(background(node));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    worst.push([Math.round(ratio * 100) / 100, node.tagName + (node.id ? "#" + node.id : "")]);
  }
  return worst.sort((x, y) => x[0] - y[0]).slice(0, 3);
}"""


def test_check_this_workbook(browser, tmp_path, output_folder):
    with running_server() as server:
        page, errors = _page(browser, server.base, _workbook(tmp_path))
        page.screenshot(path=str(output_folder / "taskpane-ready.png"), full_page=True)
        _press_check_with_keyboard(page)
        status = page.inner_text("#status")
        assert "7 cells compared: 7 differ, 0 not evaluated; 2 formula problems." in status
        findings = page.inner_text("#findings")
        assert "Cases!D2 (error, KPI-UNKNOWN): KPI_NOPE is not an xlkpi function" in findings
        assert "Cases!E2 (warning, FULL-COLUMN)" in findings
        rows = page.eval_on_selector_all("table tbody tr", "rows => rows.map(r => r.innerText)")
        assert rows[0].split("\t") == ["Cases!C2", "(blank)", "4"]
        assert page.evaluate("window.xlkpiTestFile.closed"), "the file was not closed"
        page.screenshot(path=str(output_folder / "taskpane-checked.png"), full_page=True)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, \
            "the task pane scrolls sideways"
        worst = page.evaluate(CONTRAST)
        assert worst[0][0] >= 4.5, f"text below WCAG AA contrast: {worst}"
        assert page.evaluate("document.activeElement.id") == "check"  # focus comes back
        # the shared runtime: the custom functions run in this page too, errors as Excel takes them
        cell = page.evaluate("""async () => {
          const cells = await CustomFunctions.associated.PCT([[14, "many"]], [[16, 16]],
                                                             {address: "Sheet1!C2"});
          const bad = cells[0][1];
          return {first: cells[0][0], error: bad instanceof CustomFunctions.Error,
                  code: bad.code, message: bad.message};
        }""")
        assert cell["first"] == 0.875
        assert cell["error"], f"an error cell is not a CustomFunctions.Error: {cell}"
        assert cell["code"] == "#VALUE!" and "many" in cell["message"]
        assert not errors, errors


def test_a_workbook_too_big_is_refused_before_sending(browser, tmp_path, output_folder):
    from xlkpi.server import MAX_WORKBOOK_BYTES

    with running_server() as server:
        page, errors = _page(browser, server.base, _workbook(tmp_path),
                             size=MAX_WORKBOOK_BYTES + 50_000_000)
        _press_check_with_keyboard(page)
        status = page.inner_text("#status")
        assert "This workbook is too big to check here (150 MB" in status, status
        assert "takes up to 100 MB" in status and "\"xlkpi check\"" in status
        assert page.get_attribute("#status", "class") == "bad"
        page.screenshot(path=str(output_folder / "taskpane-too-big.png"), full_page=True)
        assert not errors, errors


def test_server_down_says_so(browser, tmp_path, output_folder):
    with running_server() as server:
        page, errors = _page(browser, server.base, _workbook(tmp_path))
    # the server has stopped: the page is still open in Excel
    _press_check_with_keyboard(page)
    status = page.inner_text("#status")
    assert f"The xlkpi server at {server.base} did not answer" in status, status
    page.screenshot(path=str(output_folder / "taskpane-server-down.png"), full_page=True)
    assert not errors, errors
