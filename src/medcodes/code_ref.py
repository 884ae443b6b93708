"""A code as a link (`CodeRef`) and the addresses of its page: what every answer that lists
codes is made of.

Apart from the code view (code_view.py) so that answers listing codes (history, policies,
browsing) and `medcodes explain` do not load the view's block readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from medcodes.catalog.read import Code
from medcodes.serial import Serialisable


def code_url(system: str, code: str) -> str:
    """The code page's address on the website (also the MCP resource's `url`)."""
    return f"/code/{quote(system)}/{quote(code)}"


def resource_uri(system: str, code: str) -> str:
    """The code's MCP resource (`medcodes://code/HCPCS/J9039`): the page as Markdown."""
    return f"medcodes://code/{quote(system)}/{quote(code)}"


@dataclass(frozen=True, slots=True)
class CodeRef(Serialisable):
    """A code as a link: enough to list it anywhere."""

    system: str
    code: str
    title: str
    status: str
    billable: bool
    kind: str
    url: str


def ref(code: Code) -> CodeRef:
    return CodeRef(
        code.system,
        code.code,
        code.long_title,
        code.status,
        bool(code.billable),
        code.kind,
        code_url(code.system, code.code),
    )
