"""``xlkpi serve``: the KPI functions as an Office.js add-in (Excel on Windows, Mac, web).

A FastAPI app built on xlwings' own server helpers. Every registry function is exposed
in the add-in's namespace ``KPI`` (``=KPI.RAG(...)``, stored in files as
``_xldudf_KPI_RAG``, which ``xlkpi recalc`` reads); the Python function behind
``KPI.RAG`` is ``rag``. Endpoints:

- ``GET /xlwings/custom-functions-meta``: the functions' JSON metadata for Excel;
- ``GET /xlwings/custom-functions-code``: the JavaScript that forwards each call;
- ``POST /xlwings/custom-functions-call``: one call, as Office.js makes it;
- ``GET /manifest.xml``, ``/taskpane.html``, ``/taskpane.js``: the add-in itself;
- ``POST /xlkpi/check``: the task pane's "Check this workbook" (the file's bytes in).

``xlwings.server`` is part of xlwings PRO (PolyForm Noncommercial 1.0.0 or a paid
licence); a council, a charity or a school may use it under the noncommercial licence,
so without ``XLWINGS_LICENSE_KEY`` this process sets the key ``noncommercial`` for itself.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import types
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

__all__ = [
    "ADDIN",
    "ERROR_TYPES",
    "LICENCE_NOTE",
    "MAX_CALL_BYTES",
    "MAX_WORKBOOK_BYTES",
    "NAMESPACE",
    "create_app",
    "error_cell",
    "functions_module",
]

#: The add-in's custom-function namespace: =KPI.RAG(...).
NAMESPACE = "KPI"
#: Largest request bodies accepted: one function call, and a workbook to check.
MAX_CALL_BYTES = 5_000_000
MAX_WORKBOOK_BYTES = 100_000_000
#: Templates of the add-in's pages and manifest.
ADDIN = Path(__file__).resolve().parent / "addin"
LICENCE_NOTE = ("xlwings PRO server helpers run under the PolyForm Noncommercial licence "
                "(XLWINGS_LICENSE_KEY=noncommercial): fine for councils, charities and "
                "schools; commercial users need an xlwings licence key.")


def ensure_licence() -> bool:
    """Set the noncommercial xlwings key for this process if none is set; True if set."""
    if os.environ.get("XLWINGS_LICENSE_KEY"):
        _register_officejs_engine()
        return False
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    _register_officejs_engine()
    return True


def _register_officejs_engine() -> None:
    """xlwings registers its Office.js engine at import, only if a key was set by then;
    when xlwings was imported earlier in this process, register it now."""
    import xlwings

    if getattr(xlwings, "__pro__", False):
        return
    from xlwings.main import Engine
    from xlwings.pro import _xlofficejs, _xlremote

    xlwings.engines.add(Engine(impl=_xlremote.engine))
    xlwings.engines.add(Engine(impl=_xlofficejs.engine))
    xlwings.__pro__ = True


def functions_module() -> types.ModuleType:
    """The registry's functions as an xlwings Server module (``rag``, ``workdays``, ...)."""
    from xlkpi.bindings import excel_call, render_officejs

    ensure_licence()
    source = render_officejs("", python_names=True,
                             decorator_import="from xlwings.server import arg, func",
                             title="xlkpi functions for the Office.js add-in.")
    module = types.ModuleType("xlkpi_officejs")
    # the source is rendered from our own registry, never from a request
    exec(compile(source, "<xlkpi officejs functions>", "exec"), module.__dict__)
    from xlkpi.functions import REGISTRY

    # error cells go out with their reason (Excel shows it on the cell's error flag)
    module.excel_call = _with_reasons(excel_call)
    for entry in REGISTRY.values():  # Excel's description: one paragraph, then examples
        function = getattr(module, entry.python_name)
        function.__xlfunc__["ret"]["doc"] = "\n\n".join(
            [entry.help, *(f"Example: {e}" for e in entry.examples)])
    return module


#: Excel's error values by the ``errorType`` Office.js gives them (Excel.ErrorCellValueType).
ERROR_TYPES = {"#NULL!": "Null", "#DIV/0!": "Div0", "#VALUE!": "Value", "#REF!": "Ref",
               "#NAME?": "Name", "#NUM!": "Num", "#N/A": "NotAvailable",
               "#GETTING_DATA": "GettingData", "#SPILL!": "Spill", "#CALC!": "Calc"}


def error_cell(code: str, reason: str) -> dict[str, str]:
    """One error cell as the server sends it: Office.js's error cell value plus the reason.

    The add-in's JavaScript turns it into a ``CustomFunctions.Error`` (the only errors a
    custom function can return), with ``message`` as the text on the cell's error flag.
    """
    return {"type": "Error", "basicValue": code, "errorType": ERROR_TYPES.get(code, "Value"),
            "message": reason[:MAX_REASON]}


def _with_reasons(excel_call: Any) -> Any:
    """``excel_call`` whose error cells carry their reason; one error cell comes back as a
    1 x 1 array (xlwings would write a lone dict as a two-column table)."""
    call = functools.partial(excel_call, error_cell=error_cell)

    @functools.wraps(excel_call)
    def with_reasons(name: str, *args: Any) -> Any:
        result = call(name, *args)
        return [[result]] if isinstance(result, dict) else result

    return with_reasons


#: Longest error reason sent to Excel (longer ones are cut).
MAX_REASON = 255


def _page(name: str, base_url: str) -> str:
    from xlwings import __version__ as xlwings_version

    text = (ADDIN / name).read_text(encoding="utf-8")
    return (text.replace("{{BASE_URL}}", base_url.rstrip("/"))
            .replace("{{NAMESPACE}}", NAMESPACE)
            .replace("{{XLWINGS_VERSION}}", xlwings_version)
            .replace("{{MAX_WORKBOOK_BYTES}}", str(MAX_WORKBOOK_BYTES)))


def create_app(public_url: str | None = None) -> FastAPI:
    """The FastAPI application (``public_url``: where Excel reaches it, for the manifest)."""
    ensure_licence()
    from xlwings import XlwingsError
    from xlwings import server as xlserver

    from xlkpi.functions import REGISTRY

    module = functions_module()
    known = {f.python_name for f in REGISTRY.values()}
    app = FastAPI(title="xlkpi", description="KPI functions for Excel (Office.js add-in)")

    def base(request: Request) -> str:
        return public_url or str(request.base_url)

    @app.middleware("http")
    async def limit_size(request: Request, call_next: Any) -> Response:
        limit = MAX_WORKBOOK_BYTES if request.url.path == "/xlkpi/check" else MAX_CALL_BYTES
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return PlainTextResponse(f"xlkpi: request too large (limit {limit:,} bytes)",
                                     status_code=413)
        return await call_next(request)

    @app.exception_handler(Exception)
    async def readable_error(request: Request, exc: Exception) -> PlainTextResponse:
        return PlainTextResponse(f"xlkpi: {type(exc).__name__}: {exc}", status_code=400)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/xlwings/custom-functions-meta")
    async def meta() -> dict[str, Any]:
        return xlserver.custom_functions_meta(module)

    associations = "".join(
        f'CustomFunctions.associate("{name.upper()}", xlkpiFunction("{name}"));\n'
        for name in sorted(known))

    @app.get("/xlwings/custom-functions-code")
    async def code(request: Request) -> Response:
        return Response(_page("custom-functions.js", base(request)) + associations,
                        media_type="text/javascript")

    @app.post("/xlwings/custom-functions-call")
    async def call(request: Request) -> JSONResponse:
        raw = await request.body()
        if len(raw) > MAX_CALL_BYTES:
            raise HTTPException(413, f"request too large (limit {MAX_CALL_BYTES:,} bytes)")
        try:
            data = json.loads(raw)
        except ValueError:
            raise HTTPException(400, "the body is not JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("func_name"), str) or \
                not isinstance(data.get("args"), list):
            raise HTTPException(400, "the body needs func_name (text) and args (a list)")
        if data["func_name"] not in known:
            raise HTTPException(400, f"{data['func_name']!r} is not an xlkpi function; "
                                     f"use one of {', '.join(sorted(known))}")
        data.setdefault("client", "Office.js")
        data.setdefault("version", "")
        data.setdefault("runtime", "1.4")
        try:
            result = await xlserver.custom_functions_call(data, module)
        except (TypeError, XlwingsError) as err:
            raise HTTPException(400, f"{data['func_name']}: {err}") from None
        return JSONResponse({"result": result})

    @app.post("/xlkpi/check")
    async def check_workbook(request: Request) -> dict[str, Any]:
        from xlkpi.workbook import PackageError, check

        body = await request.body()
        if not body:
            raise HTTPException(400, "send the workbook's bytes")
        if len(body) > MAX_WORKBOOK_BYTES:
            raise HTTPException(413, f"request too large (limit {MAX_WORKBOOK_BYTES:,} bytes)")
        with tempfile.TemporaryDirectory(prefix="xlkpi-check-") as folder:
            path = Path(folder) / "workbook.xlsx"
            path.write_bytes(body)
            try:
                outcome = check(path)
            except PackageError as err:
                raise HTTPException(400, str(err).replace(str(path), "the workbook")) from None
        result = outcome.to_dict()
        result.pop("path", None)
        return result

    def serve_page(name: str, media: str) -> None:
        async def page(request: Request) -> Response:
            return Response(_page(name, base(request)), media_type=media)

        app.get(f"/{name}")(page)

    for name, media in (("manifest.xml", "application/xml"), ("taskpane.html", "text/html"),
                        ("taskpane.js", "text/javascript")):
        serve_page(name, media)

    @app.get("/icon-{size}.png")
    async def icon(size: int) -> Response:
        if size not in (16, 32, 64, 80):
            raise HTTPException(404, "no such icon")
        return Response(_icon(size), media_type="image/png")

    return app


def _icon(size: int) -> bytes:
    """A plain square icon in the add-in's colour (Office requires icons)."""
    import struct
    import zlib

    row = b"\x00" + bytes((0x1F, 0x6F, 0x5F)) * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
