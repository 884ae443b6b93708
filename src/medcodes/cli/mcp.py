"""`medcodes mcp`: the MCP server over stdio, for an agent that starts it as a subprocess.

stdout carries the protocol only; logs go to stderr. (`medcodes serve` answers the same tools
over streamable HTTP at /mcp.)
"""

from __future__ import annotations

from medcodes.cli.common import CatalogOpt, handles_errors, settings


@handles_errors
def mcp(catalog: CatalogOpt = None) -> None:
    """Serve the MCP tools and code pages over stdio (for Claude Desktop, IDEs, agents)."""
    from medcodes.mcp.server import run_stdio

    run_stdio(settings(catalog=catalog).catalog)
