"""`xlkpi serve`: the Office.js add-in, called exactly as Office.js calls it."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from tests.serving import call, running_server
from xlkpi.functions import REGISTRY
from xlkpi.server import NAMESPACE, create_app

GOLDEN = Path(__file__).parent / "data" / "golden.xlsx"
ERROR = {"type": "Error", "basicValue": "#N/A"}
VALUE = {"type": "Error", "errorType": "Value"}
NOT_AVAILABLE = {"type": "Error", "errorType": "NotAvailable"}


def _date(serial: float) -> dict:
    return {"type": "FormattedNumber", "basicValue": serial, "numberFormat": "dd/mm/yyyy"}


# name: (scalar args, result), (range args, result), (bad args, result). Every cell
# argument arrives as Office.js sends it: a 2-D list. 45051 = Fri 5 May 2023,
# 45056 = Wed 10 May 2023 (SPEC.md's Coronation example).
CASES = {
    "workdays": (([[45051]], [[45056]]), [[2.0]],
                 ([[45051], [45049]], [[45056]]), [[2.0], [4.0]],
                 ([["31/02/2023"], [ERROR]], [[45056]]), [[VALUE], [NOT_AVAILABLE]]),
    "workday": (([[45051]], [[2]]), [[_date(45056.0)]],
                ([[45051, 45051]], [[0, 2]]), [[_date(45051.0), _date(45056.0)]],
                ([["soon"]], [[2]]), [[VALUE]]),
    # assessment 45 working days from 5 May 2023: 11 Jul 2023 (tests/test_timescales.py)
    "due": (([[45051]], "ASSESSMENT"), [[_date(45118.0)]],
            ([[45051], [None]], "ASSESSMENT"), [[_date(45118.0)], [""]],
            ([[45051]], "NO_SUCH_TIMESCALE"), [[VALUE]]),
    "within": (([[45051]], [[45056]], "ASSESSMENT"), [[True]],
               ([[45051], [45051]], [[45056], [None]], "ICPC"), [[True], [""]],
               ([[45056]], [[45051]], "ICPC"), [[VALUE]]),
    "pct": (([[14]], [[16]]), [[0.875]], ([[14, 5]], [[16, 0]]), [[0.875, "N/A"]],
            ([["many"]], [[16]]), [[VALUE]]),
    "rate": (([[245]], [[36100]]), [[pytest.approx(67.867036, rel=1e-6)]],
             ([[245], [0]], [[36100]]), [[pytest.approx(67.867036, rel=1e-6)], [0.0]],
             ([[245]], [[0]]), [["N/A"]]),
    "change": (([[28208]], [[34029]]), [["-5,821 (-17.1%)"]],  # seed 003, contacts YTD
               ([[28208], [6738]], [[34029], [7154]]), [["-5,821 (-17.1%)"],
                                                        ["-416 (-5.8%)"]],
               ([["lots"]], [[34029]]), [[VALUE]]),
    "rag": (([[0.782]], "High", [[0.7]], [[0.8]]), [["Amber"]],
            ([[0.9], [0.6]], "High", [[0.7]], [[0.8]]), [["Green"], ["Red"]],
            ([[0.9]], "Sideways", [[0.7]], [[0.8]]), [[VALUE]]),
    "rag_target": (([[0.82]], [[0.9]], "BIB"), [["Amber"]],
                   ([[0.95], [0.5]], [[0.9]], "BIB"), [["Green"], ["Red"]],
                   ([[ERROR]], [[0.9]], "BIB"), [[NOT_AVAILABLE]]),
    "rag_text": (([[0.82]], "90% or above Green 85%-89% Amber 84% and below Red"), [["Red"]],
                 ([[0.9], [0.87]], "90% or above Green 85%-89% Amber 84% and below Red"),
                 [["Green"], ["Amber"]],
                 ([[0.9]], "mostly fine"), [[VALUE]]),
    "dot": (([[0.238]], [[0.2]], "Low"), [["Worsening"]],
            ([[0.238], [0.1]], [[0.2]], "Low"), [["Worsening"], ["Improving"]],
            ([[ERROR]], [[0.2]], "Low"), [[NOT_AVAILABLE]]),
    "trend": (([[1, 2, 4, 3, 5]],), [["Increasing"]],
              ([[5], [4], [3]],), [["Reducing"]],
              ([[1, 2], [3, 4]],), [[VALUE]]),
    "quartile": (([[95]], [[70, 75, 76, 78, 80, 82, 90, 92, 93, 99]], "High"), [[1]],
                 ([[95], [60]], [[70, 75, 76, 78, 80, 82, 90, 92, 93, 99]], "High"),
                 [[1], [4]],
                 ([[95]], [[70, 75, 76, 78, 80, 82, 90, 92, 93, 99]], "To Target"),
                 [[VALUE]]),
    "symbol": (([["Green"]],), [["★"]], ([["Green"], ["Red"]],), [["★"], ["✖"]],
               ([["Purple"]],), [[VALUE]]),
}


def test_every_registry_function_is_exposed_and_tested():
    assert set(CASES) == {f.python_name for f in REGISTRY.values()}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def _body(name: str, args: list) -> dict:
    """A call as the add-in's JavaScript sends it (the body xlwings' helpers read)."""
    return {"func_name": name, "args": list(args), "caller_address": "[Book1]Sheet1!B2",
            "culture_info_name": "en-GB", "date_format": "dd/mm/yyyy", "runtime": "1.4",
            "version": "0.37.8"}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("form", ["scalar", "range", "bad"])
def test_custom_functions_call(client, name, form):
    index = {"scalar": 0, "range": 2, "bad": 4}[form]
    args, expected = CASES[name][index], CASES[name][index + 1]
    response = client.post("/xlwings/custom-functions-call", json=_body(name, args))
    assert response.status_code == 200, response.text
    assert _without_reasons(response.json()["result"]) == expected


_CODES = {"Value": "#VALUE!", "NotAvailable": "#N/A"}


def _without_reasons(result: list) -> list:
    """Error cells with their reason checked (present, readable) and then set aside."""
    def cell(value):
        if isinstance(value, dict) and value.get("type") == "Error":
            assert value["basicValue"] == _CODES[value["errorType"]]
            assert isinstance(value["message"], str) and 0 < len(value["message"]) <= 255
            assert "Traceback" not in value["message"]
            return {"type": "Error", "errorType": value["errorType"]}
        return value
    return [[cell(v) for v in row] for row in result]


def test_error_cells_carry_their_reason(client):
    result = client.post("/xlwings/custom-functions-call", json=_body(
        "workdays", ([["31/02/2023"], [ERROR]], [[45056]]))).json()["result"]
    assert result[0][0]["message"].startswith("start: '31/02/2023' is not a date")
    assert result[1][0] == {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable",
                            "message": "an input cell holds #N/A"}
    # one error alone still comes back as a 1 x 1 array, not as a two-column table
    lone = client.post("/xlwings/custom-functions-call",
                       json=_body("trend", ([[1, 2], [3, 4]],))).json()["result"]
    assert len(lone) == 1 and len(lone[0]) == 1 and lone[0][0]["errorType"] == "Value"


def test_meta_describes_every_function_in_the_registry(client):
    meta = client.get("/xlwings/custom-functions-meta").json()
    functions = {f["id"]: f for f in meta["functions"]}
    assert set(functions) == {f.python_name.upper() for f in REGISTRY.values()}
    rag = functions["RAG"]
    assert [p["name"] for p in rag["parameters"]] == ["value", "polarity", "red", "green"]
    assert rag["description"] == REGISTRY["KPI_RAG"].help + "\n\nExample: " + \
        REGISTRY["KPI_RAG"].examples[0]
    assert [p.get("optional", False) for p in functions["WORKDAYS"]["parameters"]] == [
        False, False, True, True, True]


def test_code_associates_every_function(client):
    code = client.get("/xlwings/custom-functions-code").text
    for function in REGISTRY.values():
        upper = function.python_name.upper()
        assert f'CustomFunctions.associate("{upper}", xlkpiFunction("{function.python_name}"))' \
            in code
    assert "/xlwings/custom-functions-call" in code


def test_manifest_is_well_formed_and_points_at_this_server(client):
    text = client.get("/manifest.xml").text
    root = ElementTree.fromstring(text)
    strings = {e.get("id"): e.get("DefaultValue") for e in root.iter()
               if e.get("id") and e.get("DefaultValue")}
    assert strings["Functions.Namespace"] == NAMESPACE == "KPI"
    assert strings["Functions.Metadata.Url"] == "http://testserver/xlwings/custom-functions-meta"
    assert strings["Functions.Script.Url"] == "http://testserver/xlwings/custom-functions-code"
    page = client.get("/taskpane.html").text
    assert "Check this workbook" in page and "http://testserver/taskpane.js" in page
    assert client.get("/icon-32.png").content.startswith(b"\x89PNG")


@pytest.mark.parametrize(("body", "message"), [
    ({"func_name": "nope", "args": []}, "'nope' is not an xlkpi function"),
    ({"func_name": "rag", "args": [[[1]]]}, "missing 3 required positional arguments"),
    ({"args": []}, "needs func_name"),
])
def test_bad_calls_get_a_readable_400(client, body, message):
    response = client.post("/xlwings/custom-functions-call", json=body)
    assert response.status_code == 400
    assert message in response.text and "Traceback" not in response.text


def test_check_endpoint(client):
    from xlkpi.workbook import check

    result = client.post("/xlkpi/check", content=GOLDEN.read_bytes()).json()
    # the golden workbook was never calculated by Excel: no cached values to agree with
    assert result["ok"] is False and result["compared"] == 142
    assert all(d["cached"] is None for d in result["differences"])
    expected = check(GOLDEN).to_dict()
    assert [d["cell"] for d in result["differences"]] == [
        d["cell"] for d in expected["differences"]]
    bad = client.post("/xlkpi/check", content=b"not a workbook")
    assert bad.status_code == 400 and "not an .xlsx/.xlsm workbook" in bad.text


def test_serve_runs_as_a_real_process():
    with running_server() as server:
        assert call(server.base, _body("workdays", ([[45051]], [[45056]]))) == [[2.0]]
    assert "PolyForm Noncommercial" in server.output  # the licence line, at start-up
    assert f"manifest: {server.base}/manifest.xml" in server.output


# No registry package carries Microsoft's custom-functions JSON schema or the manifest XSD
# (office-addin-manifest, custom-functions-metadata and office-addin-validator hold none),
# so these are the rules Microsoft's documentation states for them.
_ID = r"^[A-Za-z0-9._]+$"           # custom-functions-json: id, alphanumerics and periods
_NAME = r"^[A-Za-z][A-Za-z0-9._]*$"  # name: starts with a letter; letters, digits, . and _


def test_metadata_follows_the_custom_functions_json_rules(client):
    import re

    meta = client.get("/xlwings/custom-functions-meta").json()
    assert set(meta) <= {"functions", "enums", "allowErrorForDataTypeAny",
                         "allowCustomDataForDataTypeAny"}
    ids = [f["id"] for f in meta["functions"]]
    assert len(ids) == len({i.upper() for i in ids})  # ids are unique, case-insensitively
    for f in meta["functions"]:
        assert re.match(_ID, f["id"]) and len(f["id"]) <= 128, f["id"]
        assert re.match(_NAME, f["name"]) and len(f["name"]) <= 128, f["name"]
        assert f["name"] == f["id"]  # Excel adds the manifest's namespace: KPI.RAG
        assert set(f) <= {"id", "name", "description", "helpUrl", "parameters", "result",
                          "options"}
        assert f["result"]["dimensionality"] in ("scalar", "matrix")
        assert not (f["options"].get("stream") and f["options"].get("requiresAddress"))
        seen_optional = False
        for p in f["parameters"]:
            assert set(p) <= {"name", "description", "type", "dimensionality", "optional",
                              "repeating", "cancelable", "customEnumId"}
            assert p["type"] in ("boolean", "number", "string", "any")
            assert p["dimensionality"] in ("scalar", "matrix")
            assert re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", p["name"])
            # a required parameter cannot follow an optional one
            assert p.get("optional", False) or not seen_optional, (f["id"], p["name"])
            seen_optional = seen_optional or p.get("optional", False)


def test_manifest_follows_the_add_in_manifest_rules():
    import re

    client = TestClient(create_app("https://xlkpi.example.gov.uk"))
    root = ElementTree.fromstring(client.get("/manifest.xml").text)
    ns = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
          "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
          "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides"}
    # the XSD's sequence for OfficeApp (those present, in this order)
    order = ["Id", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description",
             "IconUrl", "HighResolutionIconUrl", "SupportUrl", "AppDomains", "Hosts",
             "Requirements", "DefaultSettings", "Permissions", "VersionOverrides"]
    children = [c.tag.split("}")[1] for c in root]
    assert children == [t for t in order if t in children]
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", root.find("o:Id", ns).text)
    assert re.fullmatch(r"\d{1,5}(\.\d{1,5}){0,3}", root.find("o:Version", ns).text)
    assert len(root.find("o:DisplayName", ns).get("DefaultValue")) <= 125
    assert len(root.find("o:Description", ns).get("DefaultValue")) <= 250
    urls = {e.get("id"): e.get("DefaultValue") for e in root.iter(f"{{{ns['bt']}}}Url")}
    images = {e.get("id"): e.get("DefaultValue") for e in root.iter(f"{{{ns['bt']}}}Image")
              if e.get("id")}
    short = {e.get("id"): e.get("DefaultValue")
             for e in root.find(".//bt:ShortStrings", ns)}
    long = {e.get("id"): e.get("DefaultValue") for e in root.find(".//bt:LongStrings", ns)}
    for resid in {**urls, **images, **short, **long}:
        assert len(resid) <= 32, resid  # resource ids: at most 32 characters
    assert all(v.startswith("https://") for v in [*urls.values(), *images.values()])
    assert all(len(v) <= 125 for v in short.values())
    assert all(len(v) <= 250 for v in long.values())
    # every resid points at a resource of the right kind
    for element in root.iter():
        resid = element.get("resid")
        if resid is None:
            continue
        kind = element.tag.split("}")[1]
        pool = {"SourceLocation": urls, "Runtime": urls, "FunctionFile": urls,
                "Image": images, "Namespace": short, "Label": short, "Title": short,
                "Description": long}[kind]
        assert resid in pool, (kind, resid)
    # custom functions sit under AllFormFactors; their namespace matches the metadata's
    point = root.find(".//ov:AllFormFactors/ov:ExtensionPoint", ns)
    assert point.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "CustomFunctions"
    assert short[point.find("ov:Namespace", ns).get("resid")] == NAMESPACE
    assert {"16", "32", "80"} <= {i.get("size") for i in root.iter(f"{{{ns['bt']}}}Image")
                                  if i.get("size")}
    # a shared runtime (lifetime long) needs the SharedRuntime requirement set
    assert root.find(".//o:Requirements/o:Sets/o:Set[@Name='SharedRuntime']", ns) is not None
