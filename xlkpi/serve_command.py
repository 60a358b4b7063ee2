"""``xlkpi serve``: run the Office.js add-in server (KPI functions for Excel)."""

from __future__ import annotations

from typing import Annotated

import typer

from xlkpi.console import console, fail

__all__ = ["serve_command"]


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    public_url: Annotated[str | None, typer.Option(
        help="The address Excel uses to reach this server, if not host:port "
             "(e.g. https://xlkpi.council.gov.uk).")] = None,
    certfile: Annotated[str | None, typer.Option(
        help="TLS certificate (Excel loads add-ins over HTTPS only).")] = None,
    keyfile: Annotated[str | None, typer.Option(help="TLS private key.")] = None,
) -> None:
    """Serve the KPI functions as an Office.js add-in: =KPI.RAG(...) in Excel.

    Sideload the manifest from <address>/manifest.xml in Excel (Insert > Add-ins > Upload
    My Add-in). Stop with Ctrl+C.
    """
    try:
        import uvicorn

        from xlkpi.server import LICENCE_NOTE, create_app, ensure_licence
    except ImportError as err:
        raise fail(f"the add-in server needs extra packages ({err.name}): "
                   'pip install "xlkpi[server]"') from None
    if not 0 < port < 65536:
        raise fail(f"--port {port} is not a port number (1-65535)")
    if ensure_licence():
        console.print(LICENCE_NOTE, highlight=False, soft_wrap=True)
    scheme = "https" if certfile else "http"
    address = public_url or f"{scheme}://{host}:{port}"
    app = create_app(public_url)
    console.print(f"xlkpi add-in at {address} (manifest: {address}/manifest.xml)",
                  highlight=False, soft_wrap=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning",
                    ssl_certfile=certfile, ssl_keyfile=keyfile)
    except OSError as err:
        raise fail(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
