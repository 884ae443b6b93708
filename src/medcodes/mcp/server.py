"""The MCP server: medcodes' tools and the code-page resource, over the library facade.

Built on the official MCP Python SDK (`mcp` on PyPI, its `MCPServer`): input and output JSON
schemas come from the type annotations below, descriptions from the docstrings. Every answer
is the facade's own result serialised by its `.to_dict()` (the same JSON the HTTP API sends)
plus a `cite` block naming the catalog build, the current releases and the source files.
User mistakes (unknown code, bad date, empty query) come back as tool errors whose message
says what to do; the server itself never stops on them.

`current` is called on every request for the Medcodes to answer from, so a server that swaps
in a new catalog build (the web app) swaps it here too.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field
from starlette.applications import Starlette

from medcodes import __version__
from medcodes.api import Explanation, Medcodes, SourceFile, open_for_serving
from medcodes.errors import BadQuery, MedcodesError
from medcodes.mcp.markdown import render_markdown
from medcodes.mcp.shapes import (
    Cite,
    CodeAnswer,
    ExplainAnswer,
    HistoryAnswer,
    PoliciesAnswer,
    SearchAnswer,
    SimilarAnswer,
    ValidateAnswer,
    hit_of,
)
from medcodes.serial import to_json

Current = Callable[[], Medcodes]
SystemName = Literal["HCPCS", "HCPCS-MOD", "ICD10CM", "ICD10PCS"]
Code = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        description="A code in any form: J9039, e119, E11.9, 0DTJ4ZZ (case, dots, spaces ignored).",
    ),
]
OneSystem = Annotated[
    SystemName | None,
    Field(description="The code system, when the same code exists in two (A0100, A01.00)."),
]
Day = Annotated[
    str | None,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="A day as YYYY-MM-DD, e.g. 2026-07-01.",
    ),
]
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
INSTRUCTIONS = (
    "US medical codes (HCPCS Level II, ICD-10-CM, ICD-10-PCS) from the official CMS/CDC files. "
    "search_codes finds codes from words, brand or lay names, typos or codes; get_code gives "
    "everything about one code; validate_codes checks codes for a date of service. Cite the "
    "`cite` block (catalog build, releases, source files). Reference information, not medical "
    "advice."
)


def create_server(current: Current) -> MCPServer:
    """The medcodes MCP server answering from `current()`: seven tools, one resource."""
    server = MCPServer(
        name="medcodes",
        title="medcodes: US medical codes",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
    )
    tools = Tools(current)
    for tool in (
        tools.search_codes,
        tools.get_code,
        tools.explain_code,
        tools.validate_codes,
        tools.related_policies,
        tools.similar_codes,
        tools.code_history,
    ):
        server.add_tool(tool, annotations=READ_ONLY, structured_output=True)
    server.resource(
        "medcodes://code/{system}/{code}",
        name="code_page",
        title="Code page",
        description="One code's page as Markdown: what a person reads on /code/{system}/{code}.",
        mime_type="text/markdown",
    )(tools.code_page)
    return server


def answers(
    method: Callable[..., Awaitable[Any]],
) -> Callable[..., Awaitable[Any]]:
    """A tool body's result (a dict of facade answers) as the call's structured content,
    serialised by the library's one serialiser; MedcodesError becomes a tool error. The SDK
    reads the body's annotations (through `__wrapped__`) for the output schema, and checks
    the content against it."""

    @functools.wraps(method)
    async def wrapper(*args: Any, **kwargs: Any) -> CallToolResult:
        try:
            answer = await method(*args, **kwargs)
        except MedcodesError as exc:
            raise ToolError(str(exc)) from None
        text = to_json(answer)
        return CallToolResult(
            content=[TextContent(type="text", text=text.decode())],
            structured_content=orjson.loads(text),
        )

    return wrapper


class Tools:
    """The tool bodies: each resolves the current catalog, calls one facade method, cites."""

    def __init__(self, current: Current) -> None:
        self.current = current

    def cite(self, codes: Medcodes, sources: list[SourceFile] | None = None) -> Cite:
        manifest = codes.manifest
        return {
            "catalog": manifest.build_id,
            "built_at": manifest.built_at,
            "releases": {r.system: r.release for r in manifest.current},
            "sources": [
                {"name": s.name, "file": s.file, "release": s.release, "url": s.url}
                for s in sources or ()
            ],
        }

    @answers
    async def search_codes(
        self,
        query: Annotated[
            str,
            Field(
                max_length=200,
                description="Words, a brand or lay name, a misspelling, or a code: "
                "'blincyto', 'heart attack', 'pnuemonia', 'e11.9', 'J90' (prefix).",
            ),
        ],
        systems: Annotated[
            list[SystemName] | None,
            Field(max_length=4, description="Only these code systems (default: all)."),
        ] = None,
        billable_only: Annotated[bool, Field(description="Only billable codes.")] = False,
        active_on: Day = None,
        limit: Annotated[int, Field(ge=1, le=50, description="How many hits.")] = 10,
    ) -> SearchAnswer:
        """Find US medical codes (HCPCS Level II, ICD-10-CM, ICD-10-PCS) from words, drug
        brand names, lay terms, misspellings or codes, best first. Each hit says which rule
        matched and on what text (e.g. 'exact synonym' on the drug name 'Blincyto'), and
        gives a resource URI for its full page. Use get_code for one code's details."""
        if not query.strip():
            raise BadQuery("empty query: give words or a code, e.g. 'blincyto' or 'E11.9'")
        codes = self.current()
        result = codes.search(
            query, systems=systems, billable_only=billable_only, active_on=active_on, limit=limit
        )
        return {
            "query": result.query,
            "total": result.total,
            "results": [hit_of(hit) for hit in result.hits],
            "message": result.message,
            "did_you_mean": result.did_you_mean,
            "cite": self.cite(codes, codes.descriptor_sources(codes_of(result.hits))),
        }

    @answers
    async def get_code(self, code: Code, system: OneSystem = None) -> CodeAnswer:
        """Everything known about one code, as on its web page: official long and short
        descriptors, status with dates (added, terminated), billable or header, brand, generic
        and lay names, decoded official fields (HCPCS record; ICD-10-PCS axes), ICD-10-CM
        notes (includes, excludes1/2, code first, 7th characters), hierarchy (ancestors,
        children), cross-references, release history, plain-language explanation, related
        policies, similar codes, and the official source files cited."""
        codes = self.current()
        view = codes.code(code, system)
        return {"code": view, "cite": self.cite(codes, view.sources)}

    @answers
    async def explain_code(
        self,
        code: Code,
        sections: Annotated[
            list[Annotated[str, Field(max_length=40)]] | None,
            Field(
                max_length=20,
                description="Only these section keys (e.g. summary, purpose, symptoms, "
                "treatment, signals); default: all.",
            ),
        ] = None,
        system: OneSystem = None,
    ) -> ExplainAnswer:
        """A plain-language explanation of one code in sections (summary, purpose,
        indications, ... for procedures, drugs and supplies; summary, symptoms, causes,
        treatment, ... for diagnoses). Each section names its provenance: official data
        restated from the files named, or generated text that passed the verifier; sections
        nothing supports are listed as not yet written."""
        codes = self.current()
        explanation = codes.explain(code, system, sections=sections)
        return {
            "explanation": explanation,
            "cite": self.cite(codes, explanation_sources(codes, explanation)),
        }

    @answers
    async def validate_codes(
        self,
        codes: Annotated[
            list[Annotated[str, Field(max_length=40)]],
            Field(min_length=1, max_length=200, description="Codes as written on a claim."),
        ],
        on_date: Day = None,
    ) -> ValidateAnswer:
        """Check codes for a date of service (default: today): for each, whether it exists
        (with close real codes when it does not), is written in its official form (E119 ->
        E11.9), is billable (not a header), and is in force on that date by its official
        effective and termination dates. Verdicts: valid, not canonical, not billable, not yet
        valid, ended, unknown."""
        catalog = self.current()
        results = catalog.validate(codes, on=on_date)
        found = [(v.system, v.code) for v in results if v.system and v.code]
        return {
            "on_date": results[0].on,
            "results": results,
            "cite": self.cite(catalog, catalog.descriptor_sources(found)),
        }

    @answers
    async def related_policies(self, code: Code, system: OneSystem = None) -> PoliciesAnswer:
        """Medicare coverage documents (LCDs, billing articles) and health-plan medical
        policies that concern one code, Medicare first, each with its id, title, owner, date,
        status, link and why it is linked (code listed, inside a listed range, or only the
        drug name in the title)."""
        codes = self.current()
        found = codes.policies(code, system)
        return {"policies": found, "cite": self.cite(codes, found.sources)}

    @answers
    async def similar_codes(
        self,
        code: Code,
        system: OneSystem = None,
        limit: Annotated[int, Field(ge=1, le=50, description="How many.")] = 12,
    ) -> SimilarAnswer:
        """Codes similar to one code, each with why: predecessor or successor, the same drug
        in other units or forms, listed together in a policy, similar meaning, siblings."""
        codes = self.current()
        similar = codes.similar(code, system, limit)
        cited = codes.descriptor_sources(codes_of([similar.code, *similar.similar]))
        return {"similar": similar, "cite": self.cite(codes, cited)}

    @answers
    async def code_history(self, code: Code, system: OneSystem = None) -> HistoryAnswer:
        """What happened to one code release by release (added, revised descriptor,
        subdivided, made billable, terminated), each with its effective date and the
        official basis (which files were compared or which date field said so)."""
        codes = self.current()
        history = codes.history(code, system)
        cited = codes.descriptor_sources(codes_of([history.code]))
        return {"history": history, "cite": self.cite(codes, cited)}

    async def code_page(self, system: str, code: str) -> str:
        """The code page as Markdown, the same content a person reads on the website."""
        try:
            return render_markdown(self.current().code(code, system))
        except MedcodesError as exc:
            raise ResourceError(str(exc)) from None


def codes_of(items: Iterable[Any]) -> list[tuple[str, str]]:
    """(system, code) of each hit, reference or similar code."""
    return [(item.system, item.code) for item in items]


def explanation_sources(codes: Medcodes, explanation: Explanation) -> list[SourceFile]:
    """The official files the explanation's sections restate or were generated from."""
    used = {
        source.name
        for section in explanation.sections
        if section.provenance
        for source in section.provenance.sources
    }
    return [source for source in codes.manifest.sources if source.name in used]


def http_app(server: MCPServer) -> Starlette:
    """Streamable HTTP for `server` at `/mcp`: stateless JSON answers, so any worker of a
    multi-process `medcodes serve` can take any request. Its routes go into the web app,
    whose lifespan must run `server.session_manager.run()`. No DNS-rebinding check: like
    /api, the endpoint serves public read-only data and holds no credentials."""
    return server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )


def run_stdio(catalog: Path | None) -> None:
    """Serve MCP over stdin/stdout for one catalog (what `medcodes mcp` runs)."""
    codes = open_for_serving(catalog)
    create_server(lambda: codes).run("stdio")
