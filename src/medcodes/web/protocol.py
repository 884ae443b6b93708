"""The HTTP connection uvicorn runs for `medcodes serve`: each response leaves in one write.

uvicorn writes a response's status line and headers as soon as the app starts it, and the
body in a second write. A replica that dies between the two (SIGKILL, OOM killer, a crash)
has sent nginx a header and no body: nginx has begun its answer to the client, so it cannot
retry on another replica and the client sees a cut response. With every write of one
event-loop step joined into one, a response the app finished is in the kernel in full or not
at all: a dead replica then means a refused or reset connection, which nginx retries
(deploy/nginx/medcodes.conf, `proxy_next_upstream`). tests/deploy/test_nginx.py kills a
replica under load and counts the requests that failed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class StepWriter:
    """A transport whose writes wait for the end of the current event-loop step and then go
    out as one. Everything else is the wrapped transport's."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            asyncio.get_running_loop().call_soon(self.flush)
        self._pending.append(bytes(data))

    def flush(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def close(self) -> None:
        self.flush()  # a `Connection: close` response is written before the connection closes
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol with its writes going through a StepWriter."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = StepWriter(transport)  # type: ignore[assignment]
