"""The MCP server (Model Context Protocol): medcodes' tools and code pages for LLM agents.

`medcodes mcp` speaks it over stdio; `medcodes serve` also answers it over streamable HTTP at
`/mcp`. A thin interface over the library facade, like `cli/` and `web/` (docs/mcp.md).
"""
