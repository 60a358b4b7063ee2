"""xlwings Lite: udfs/lite/main.py imported in a clean virtual environment holding only
what udfs/lite/requirements.txt installs, with xlwings' own Office.js decorators (the ones
xlwings Lite uses: `from xlwings import arg, func` with XLWINGS_ON_SERVER=true), each
function called the way Lite calls it (xlwings.server.custom_functions_call)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LITE = ROOT / "udfs" / "lite"

pytestmark = pytest.mark.slow

CALLS = """
import asyncio, importlib.util, json, sys
spec = importlib.util.spec_from_file_location("main", sys.argv[1])
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)
from xlwings import server
calls = json.loads(sys.argv[2])
out = {}
for name, args in calls.items():
    data = {"func_name": name, "args": args, "caller_address": "Sheet1!B2", "version": "",
            "culture_info_name": "en-GB", "date_format": "dd/mm/yyyy", "runtime": "1.4",
            "client": "Office.js"}
    out[name] = asyncio.run(server.custom_functions_call(data, main))
heavy = sorted(m for m in ("formulas", "scipy", "typer", "rich", "openpyxl", "lxml",
                           "python_calamine", "fastapi") if m in sys.modules)
print(json.dumps({"results": out, "heavy": heavy}))
"""

# one call per function, as Office.js passes cells (2-D lists; 45051 = 5 May 2023)
ARGS = {
    "kpi_workdays": [[[45051]], [[45056]]], "kpi_workday": [[[45051]], [[2]]],
    "kpi_due": [[[45051]], "ASSESSMENT"], "kpi_within": [[[45051]], [[45056]], "ASSESSMENT"],
    "kpi_pct": [[[14, 5]], [[16, 0]]], "kpi_rate": [[[245]], [[36100]]],
    "kpi_change": [[[28208]], [[34029]]], "kpi_rag": [[[0.782]], "High", [[0.7]], [[0.8]]],
    "kpi_rag_target": [[[0.82]], [[0.9]], "BIB"],
    "kpi_rag_text": [[[0.82]], "90% or above Green 85%-89% Amber 84% and below Red"],
    "kpi_dot": [[[0.238]], [[0.2]], "Low"], "kpi_trend": [[[1, 2, 4, 3, 5]]],
    "kpi_quartile": [[[95]], [[70, 75, 76, 78, 80, 82, 90, 92, 93, 99]], "High"],
    "kpi_symbol": [[["Green"], ["Purple"]]],
}


def _requirements() -> tuple[list[str], list[str]]:
    """(packages with their dependencies, packages without) as requirements.txt says."""
    with_deps, without = [], []
    for line in (LITE / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        name, *flags = line.split()
        (without if "--no-deps" in flags else with_deps).append(name)
    return with_deps, without


def test_requirements_are_pyodide_or_pure_python():
    with_deps, without = _requirements()
    assert without == ["xlkpi"]
    in_pyodide = {"numpy", "pandas", "python-dateutil", "tzdata", "six"}  # Pyodide's list
    pure = {"holidays"}
    assert set(with_deps) <= in_pyodide | pure, with_deps
    imports = set(re.findall(r"^from (\w+)", (LITE / "main.py").read_text(), re.M))
    assert imports == {"xlwings", "xlkpi"}


def test_lite_functions_in_a_clean_environment(tmp_path):
    venv = tmp_path / "lite"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    with_deps, _ = _requirements()
    # xlwings is what xlwings Lite brings itself; the rest is requirements.txt
    subprocess.run([*pip, "xlwings", *with_deps], check=True, timeout=600)
    subprocess.run([*pip, "--no-deps", str(ROOT)], check=True, timeout=600)
    frozen = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True,
                            text=True, check=True).stdout.lower()
    for heavy in ("formulas", "scipy", "typer", "rich", "openpyxl", "fastapi"):
        assert f"{heavy}==" not in frozen, f"{heavy} got into the Lite environment"
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    run = subprocess.run([str(python), "-c", CALLS, str(LITE / "main.py"), json.dumps(ARGS)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["heavy"] == [], out["heavy"]
    r = out["results"]
    assert set(r) == set(ARGS)
    assert r["kpi_workdays"] == [[2.0]]
    assert r["kpi_workday"] == [[{"type": "FormattedNumber", "basicValue": 45056.0,
                                  "numberFormat": "dd/mm/yyyy"}]]
    assert r["kpi_due"][0][0]["basicValue"] == 45118.0
    assert r["kpi_within"] == [[True]]
    assert r["kpi_pct"] == [[0.875, "N/A"]]
    assert r["kpi_change"] == [["-5,821 (-17.1%)"]]
    assert r["kpi_rag"] == [["Amber"]] and r["kpi_rag_target"] == [["Amber"]]
    assert r["kpi_rag_text"] == [["Red"]] and r["kpi_dot"] == [["Worsening"]]
    assert r["kpi_trend"] == [["Increasing"]] and r["kpi_quartile"] == [[1]]
    # Lite writes an error code as an Excel error value (runtime 1.4): #VALUE!, no plain text
    assert r["kpi_symbol"] == [["★"], [{"type": "Error", "errorType": "Value"}]]
    assert abs(r["kpi_rate"][0][0] - 67.867036) < 1e-5
