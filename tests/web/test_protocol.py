"""web/protocol.py: the writes of one event-loop step leave as one. The whole server runs on it
in every served test (tests/conftest.py's `server` is `medcodes serve`); that no request is
lost when a replica is killed is tests/deploy/test_nginx.py's failover test."""

from __future__ import annotations

import asyncio
import socket

from medcodes.web.protocol import StepWriter


async def _served_bytes(steps: list[list[bytes]], close: bool) -> tuple[list[bytes], bytes]:
    """Writes `steps` (one list per event-loop step) through a StepWriter on a real socket
    pair; returns the sizes the transport was asked to send and what arrived."""
    loop = asyncio.get_running_loop()
    left, right = socket.socketpair()
    transport, _ = await loop.connect_accepted_socket(asyncio.Protocol, left)
    sent: list[bytes] = []
    real_write = transport.write
    transport.write = lambda data: (sent.append(data), real_write(data))  # type: ignore[method-assign]
    writer = StepWriter(transport)  # type: ignore[arg-type]
    for step in steps:
        for data in step:
            writer.write(data)
        if close:
            break
        await asyncio.sleep(0)
    if close:
        writer.close()
    else:
        await asyncio.sleep(0)
        transport.close()
    await asyncio.sleep(0.05)
    right.settimeout(1)
    received = b""
    while chunk := right.recv(65536):
        received += chunk
    right.close()
    return sent, received


def test_writes_of_one_step_go_out_as_one() -> None:
    header, body = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n", b"hello"
    sent, received = asyncio.run(_served_bytes([[header, body], [b"next"]], close=False))
    assert sent == [header + body, b"next"]
    assert received == header + body + b"next"


def test_close_sends_what_is_pending_first() -> None:
    sent, received = asyncio.run(_served_bytes([[b"head", b"body"]], close=True))
    assert sent == [b"headbody"] and received == b"headbody"


def test_abort_drops_what_is_pending() -> None:
    async def aborted() -> bytes:
        loop = asyncio.get_running_loop()
        left, right = socket.socketpair()
        transport, _ = await loop.connect_accepted_socket(asyncio.Protocol, left)
        writer = StepWriter(transport)  # type: ignore[arg-type]
        writer.write(b"never sent")
        assert writer.get_write_buffer_size() == len(b"never sent")
        writer.abort()
        await asyncio.sleep(0.05)
        right.settimeout(1)
        received = right.recv(100)
        right.close()
        return received

    assert asyncio.run(aborted()) == b""
