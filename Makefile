# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo templates test test-slow test-libreoffice test-compat libreoffice lint bench bench-quick clean excel-route-tools test-excel-routes

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The month's job on the samples: extract -> indicators -> fill -> recalc -> check, into out/
demo: $(STAMP)
	$(BIN)/xlkpi demo

# Rebuild the committed scorecard templates in workbooks/ (and the seed 003 figures)
templates: $(STAMP)
	$(BIN)/python workbooks/build.py

lint: $(STAMP)
	$(BIN)/ruff check xlkpi tests bench samples udfs workbooks compat

test: lint
	$(BIN)/pytest -q -m "not slow and not libreoffice"

# Every workbook Excel saved in ../shared/excel_saved recalculated and compared with Excel's
# cached values, cell by cell; fails when a cell that agreed (compat/agreeing.txt) no longer does.
test-compat: $(STAMP)
	$(BIN)/python -m compat.run

test-slow: $(STAMP)
	$(BIN)/pytest -q -m slow

# LibreOffice headless, the independent oracle for native Excel functions, and pdftoppm to
# look at the PDFs it renders (Debian packages).
libreoffice:
	command -v soffice >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null; }
	command -v pdftoppm >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

test-libreoffice: $(STAMP) libreoffice
	$(BIN)/pytest -q -m libreoffice

# Node and Chromium (Debian packages) and Playwright (PyPI; it drives the system Chromium,
# no browser download) for the Excel-route tests.
excel-route-tools: $(STAMP)
	{ command -v node >/dev/null && command -v chromium >/dev/null; } || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs chromium >/dev/null; }
	$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/python -m pip install --quiet playwright

# The three routes into Excel without Excel: the add-in's JavaScript in Node against a real
# `xlkpi serve`, its task pane in headless Chromium, xlwings Lite in a clean virtualenv,
# classic xlwings through xlwings' own converters (screenshots in out/test-excel-routes/).
test-excel-routes: excel-route-tools
	XLKPI_EXCEL_ROUTES=1 $(BIN)/pytest -q -p no:cacheprovider tests/excel_routes

bench: $(STAMP) libreoffice
	$(BIN)/python bench/run.py --full
	$(BIN)/python bench/bench_cin_census.py --children 500000
	$(BIN)/python bench/bench_catalogue.py --rows 1000000

bench-quick: $(STAMP) libreoffice
	$(BIN)/python bench/run.py --quick
	$(BIN)/python bench/bench_cin_census.py --children 20000
	$(BIN)/python bench/bench_catalogue.py --rows 20000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out
