"""The code page as Markdown: the MCP resource `medcodes://code/{system}/{code}`.

The same blocks, in the same order, as the web page a person reads (code.html), rendered from
the same code view by a Jinja2 template without HTML escaping.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, Template

if TYPE_CHECKING:
    from medcodes.api import CodeView

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _template() -> Template:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown, not HTML: nothing is interpreted by a browser
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template("code.md")


def render_markdown(view: CodeView) -> str:
    """One code's page as Markdown, every block naming its source."""
    return _template().render(page=view)
