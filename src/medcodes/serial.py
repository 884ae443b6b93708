"""The one JSON serialiser of medcodes' result objects.

Every answer the library gives (the code view, search results, explanations, ...) is a frozen
dataclass that mixes in `Serialisable`, so `.to_dict()` and `.to_json()` give the same shape
that `/api/v1/...`, `medcodes ... --json` and the MCP tools send: one serialiser, one shape.
"""

from __future__ import annotations

from typing import Any

import orjson


def to_json(value: Any, *, indent: bool = False) -> bytes:
    """UTF-8 JSON of dataclasses, lists, dicts, dates (ISO) and paths (as text)."""
    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(value, option=option, default=str)


class Serialisable:
    """Mixin for frozen result dataclasses: `.to_dict()` (JSON types only) and `.to_json()`."""

    __slots__ = ()

    def to_json(self, *, indent: bool = False) -> bytes:
        return to_json(self, indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape as Python values (dates as ISO strings), e.g. for MCP answers."""
        return orjson.loads(to_json(self))
