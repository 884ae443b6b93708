"""Cross-origin reads of the public API (CORS), so a page on another site can call it: NLM's
autocomplete-lhc widget on the CTSS tables, a FHIR client in a browser.

The public read-only API is `/api/`, `/fhir/`, `/-/` and every `.json` twin of a page. Origins
allowed come from the `MEDCODES_CORS_ORIGINS` setting: `*` (the default: anyone may read a
public read-only API), a comma-separated list of origins, or `none`. Only GET (and HEAD) are
allowed cross-origin, never with credentials; a preflight `OPTIONS` is answered here.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC_PREFIXES = ("/api/", "/fhir/", "/-/")
ALLOWED_METHODS = b"GET, HEAD, OPTIONS"
PREFLIGHT_MAX_AGE = b"86400"  # a day: the answer does not change while the server runs
EXPOSED_HEADERS = b"ETag, Content-Length"


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES) or path.endswith(".json")


def parse_origins(setting: str | None) -> frozenset[str] | None:
    """None means any origin; an empty set, none. Origins are compared without a final /."""
    text = (setting or "*").strip()
    if text == "*":
        return None
    if text.lower() == "none":
        return frozenset()
    return frozenset(origin.strip().rstrip("/") for origin in text.split(",") if origin.strip())


class CrossOrigin:
    """Adds `Access-Control-Allow-Origin` to public answers for allowed origins and answers
    `OPTIONS` on public paths (a CORS preflight or not) with the methods allowed."""

    def __init__(self, app: ASGIApp, origins: str | None = "*") -> None:
        self.app = app
        self.origins = parse_origins(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        allowed = self._allowed(headers.get(b"origin"))
        if scope["method"] == "OPTIONS":
            await self._preflight(send, allowed, headers)
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def send_with_origin(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *allowed]
            await send(message)

        await self.app(scope, receive, send_with_origin)

    def _allowed(self, origin: bytes | None) -> list[tuple[bytes, bytes]]:
        """The CORS headers for a request from `origin` (none when it is not allowed)."""
        if origin is None:
            return []
        if self.origins is None:
            return [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-expose-headers", EXPOSED_HEADERS),
            ]
        if origin.decode("latin-1").rstrip("/") not in self.origins:
            return [(b"vary", b"Origin")]
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-expose-headers", EXPOSED_HEADERS),
            (b"vary", b"Origin"),
        ]

    @staticmethod
    async def _preflight(
        send: Send, allowed: list[tuple[bytes, bytes]], headers: dict[bytes, bytes]
    ) -> None:
        answer = [(b"allow", ALLOWED_METHODS), (b"content-length", b"0"), *allowed]
        if any(name == b"access-control-allow-origin" for name, _ in allowed):
            answer += [
                (b"access-control-allow-methods", ALLOWED_METHODS),
                (b"access-control-max-age", PREFLIGHT_MAX_AGE),
            ]
            requested = headers.get(b"access-control-request-headers")
            if requested:  # request headers carry no credentials here: any may be sent
                answer.append((b"access-control-allow-headers", requested[:1000]))
        await send({"type": "http.response.start", "status": 204, "headers": answer})
        await send({"type": "http.response.body", "body": b""})
