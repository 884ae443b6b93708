"""A recorded-response server: a real HTTP server on 127.0.0.1 that replays recorded
OpenAI-compatible chat completions and keeps the requests it received."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).parent / "recorded"


def recorded(name: str) -> dict[str, Any]:
    """A chat completion body recorded from a server (see recorded/README.md)."""
    return json.loads((RECORDED / name).read_text())


def completion(content: dict[str, Any] | str, model: str = "replayed") -> dict[str, Any]:
    """A chat completion body in the shape llama-cpp-python's server answers with."""
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "id": "chatcmpl-replayed",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class ReplayServer(ThreadingHTTPServer):
    """Answers POST /v1/chat/completions with queued (status, body) pairs, in order; the last
    one is repeated when the queue runs out."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: list[tuple[int, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.headers_seen: list[dict[str, str]] = []
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def queue(self, *answers: tuple[int, Any]) -> None:
        self.answers[:] = list(answers)
        self.requests.clear()
        self.headers_seen.clear()

    def next_answer(self) -> tuple[int, Any]:
        with self.lock:
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


class _Handler(BaseHTTPRequestHandler):
    server: ReplayServer

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        self.server.headers_seen.append(dict(self.headers))
        if self.path != "/v1/chat/completions":
            status, answer = 404, {"error": "not found"}
        else:
            status, answer = self.server.next_answer()
        data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass
