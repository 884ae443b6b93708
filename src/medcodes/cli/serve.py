"""`medcodes serve`: run the web app (pages, JSON API, CTSS, FHIR) with uvicorn.

Listed in cli/__init__.py's COMMANDS as `"serve": ("serve", "serve_command")`.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated, Any

import typer

from medcodes.cli.common import handles_errors
from medcodes.settings import Settings


def log_config(access_log: bool) -> dict[str, Any]:
    """uvicorn's logging, plus medcodes' one line per request (method, path, status, ms)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line"}},
        "loggers": {
            # Not propagated: the root logger (set up by the CLI) would print each line again.
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "medcodes": {
                "handlers": ["stderr"],
                "level": "INFO" if access_log else "WARNING",
                "propagate": False,
            },
        },
    }


def tcp_socket(host: str, port: int) -> socket.socket:
    """A listening socket for the worker processes, created with its protocol (IPPROTO_TCP).

    uvicorn's own multi-worker socket leaves the protocol 0, so asyncio in the workers never
    sets TCP_NODELAY and every small response waits ~40 ms for a delayed ACK (700 req/s).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def serve(
    host: str, port: int, catalog: Path | None, workers: int, access_log: bool = True
) -> None:
    """Check the catalog opens, then serve it read-only with `workers` processes."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from medcodes.api import Medcodes
    from medcodes.web.protocol import OneWriteHttp

    settings = Settings(**({"catalog": catalog} if catalog else {}))
    path = Path(settings.catalog).resolve()
    Medcodes(path).close()  # CatalogMissing now, with its fix, rather than in each worker
    os.environ["MEDCODES_CATALOG"] = str(path)  # the workers' Settings read it
    config = uvicorn.Config(
        "medcodes.web.app:create_app",
        factory=True,
        http=OneWriteHttp,  # a replica that dies never leaves a response half sent
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=log_config(access_log),
        server_header=False,
    )
    if workers == 1:
        uvicorn.Server(config).run()
        return
    Multiprocess(config, sockets=[tcp_socket(host, port)]).run()


@handles_errors
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    catalog: Annotated[
        Path | None, typer.Option("--catalog", help="Catalog file [env MEDCODES_CATALOG].")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (one per core is a good start).")
    ] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log one line per request.")
    ] = True,
) -> None:
    """Serve the website, JSON API, CTSS autocomplete, FHIR terminology and MCP (read-only)."""
    serve(host, port, catalog, workers, access_log)
