"""The MCP server as agents meet it: the real server in a subprocess, the SDK's own client, over
stdio (`medcodes mcp`) and over streamable HTTP (`medcodes serve`, /mcp). Every test runs on
both transports."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from medcodes import Medcodes

TOOLS = {
    "search_codes",
    "get_code",
    "explain_code",
    "validate_codes",
    "related_policies",
    "similar_codes",
    "code_history",
}
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module", params=["stdio", "http"])
async def client(
    request: pytest.FixtureRequest, built_catalog: Path, anyio_backend: str
) -> AsyncIterator[Client]:
    """A connected SDK client: to `medcodes mcp` over stdio, or to /mcp of `medcodes serve`."""
    if request.param == "stdio":
        medcodes = Path(sys.executable).with_name("medcodes")
        target: Any = StdioServerParameters(
            command=str(medcodes),
            args=["mcp", "--catalog", str(built_catalog)],
            env=dict(os.environ),
        )
    else:
        target = request.getfixturevalue("server") + "/mcp"
    async with Client(target) as connected:
        yield connected


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """A successful call's structured answer (its text content is the same JSON)."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


async def error(client: Client, tool: str, arguments: Any) -> str:
    """The message of a call that must fail as a tool error."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    return result.content[0].text


async def test_tools_have_descriptions_and_schemas(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert len(tool.description) > 80
        assert tool.input_schema["type"] == "object" and tool.input_schema["properties"]
        assert tool.output_schema["type"] == "object"
        assert "cite" in tool.output_schema["properties"]
        # written out in full: clients check every answer, and references cost them most
        assert "$ref" not in json.dumps(tool.output_schema)
        assert tool.annotations.read_only_hint
    search = tools["search_codes"].input_schema
    assert search["required"] == ["query"]
    assert search["properties"]["query"]["maxLength"] == 200
    assert tools["validate_codes"].input_schema["properties"]["codes"]["type"] == "array"


async def test_search_finds_blincyto_first_and_cites(client: Client) -> None:
    answer = await call(client, "search_codes", query="blincyto")
    first = answer["results"][0]
    assert (first["system"], first["code"]) == ("HCPCS", "J9039")
    assert first["matched"] == {"rule": "exact synonym", "field": "drug name", "text": "Blincyto"}
    assert first["resource"] == "medcodes://code/HCPCS/J9039"
    assert answer["cite"]["releases"]["HCPCS"] == "2026-07" and answer["cite"]["catalog"]
    assert [s["name"] for s in answer["cite"]["sources"]] == ["hcpcs-workbook-2026-07"]


async def test_search_filters(client: Client) -> None:
    answer = await call(
        client, "search_codes", query="heart attack", systems=["ICD10CM"], billable_only=True
    )
    assert answer["results"] and all(
        hit["system"] == "ICD10CM" and hit["billable"] for hit in answer["results"]
    )


async def test_get_code_is_the_code_view(client: Client, built_catalog: Path) -> None:
    answer = await call(client, "get_code", code="j9039")
    with Medcodes(built_catalog) as codes:
        assert answer["code"] == codes.code("J9039").to_dict()
    view = answer["code"]
    assert view["status"] == "active" and view["brand_names"] == ["Blincyto"]
    betos = next(f for f in view["fields"] if f["label"] == "BETOS code")
    assert betos["meaning"] == "Chemotherapy"
    assert [s["name"] for s in answer["cite"]["sources"]] == [s["name"] for s in view["sources"]]


async def test_get_code_decodes_notes_and_hierarchy(client: Client) -> None:
    view = (await call(client, "get_code", code="E11.9"))["code"]
    assert [a["code"] for a in view["ancestors"]][-1] == "E11"
    assert any(n["kind"] == "excludes1" for n in view["notes"])


async def test_get_code_carries_billing_facts(client: Client) -> None:
    """MUE and CMS-HCC come with the code view's billing block, each citing its file."""
    drug = (await call(client, "get_code", code="J9039"))["code"]["billing"]
    assert drug["unit_limit"]["units"] == 210
    assert drug["unit_limit"]["source"]["file"].startswith("coverage/ncci-mue")
    diagnosis = (await call(client, "get_code", code="E11.9"))["code"]["billing"]
    categories = [c["text"] for c in diagnosis["risk"]["categories"]]
    assert "CMS-HCC V28 category 38, used for 2026 payment" in categories


async def test_explain_code_sections_with_sources(client: Client) -> None:
    answer = await call(client, "explain_code", code="0DTJ4ZZ", sections=["summary"])
    sections = answer["explanation"]["sections"]
    assert [s["key"] for s in sections] == ["summary"]
    assert sections[0]["provenance"]["writer"] == "rules"
    assert answer["cite"]["sources"][0]["file"].startswith("icd10pcs/")


async def test_validate_codes_by_dates(client: Client) -> None:
    answer = await call(
        client, "validate_codes", codes=["E11.9", "E119", "J9093", "C9449"], on_date="2026-07-01"
    )
    valid, spelled, unknown, ended = answer["results"]
    assert answer["on_date"] == "2026-07-01"
    assert valid["verdict"] == "valid" and valid["valid"]
    assert spelled["verdict"] == "not canonical" and spelled["code"] == "E11.9"
    assert unknown["verdict"] == "unknown" and unknown["suggestions"]
    assert ended["verdict"] == "ended" and ended["valid_to"] == "2015-12-31"
    assert ended["message"] == "C9449 ended on 2015-12-31"
    cited = {s["name"] for s in answer["cite"]["sources"]}
    assert cited == {"icd10cm-order-FY2027", "hcpcs-workbook-2026-07"}


async def test_related_policies(client: Client) -> None:
    answer = await call(client, "related_policies", code="J9035")
    policies = answer["policies"]["policies"]
    assert policies[0]["policy"]["owner_type"] == "medicare"
    assert all(link["why"] for link in policies)
    assert answer["cite"]["sources"]


async def test_similar_codes_and_history(client: Client) -> None:
    similar = (await call(client, "similar_codes", code="J9039"))["similar"]
    assert similar["code"]["code"] == "J9039"
    assert similar["similar"][0]["code"] == "C9449"
    history = (await call(client, "code_history", code="C9449"))["history"]
    events = [(e["event"], e["effective_date"]) for e in history["events"]]
    assert events == [("added", "2015-04-01"), ("terminated", "2015-12-31")]
    assert history["events"][1]["basis"] == "TERM DT in hcpcs-workbook-2026-07"


async def test_code_page_resource_is_markdown(client: Client) -> None:
    templates = (await client.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == ["medcodes://code/{system}/{code}"]
    page = (await client.read_resource("medcodes://code/HCPCS/J9039")).contents[0]
    assert page.mime_type == "text/markdown"
    assert page.text.startswith("# J9039: Injection, blinatumomab, 1 microgram\n")
    assert "Common name (brand): Blincyto" in page.text and "## History" in page.text
    assert "### Medically Unlikely Edit (MUE)" in page.text


async def test_unknown_code_page_is_a_clear_error(client: Client) -> None:
    with pytest.raises(Exception, match="unknown code 'J9093'. Did you mean J90"):
        await client.read_resource("medcodes://code/HCPCS/J9093")


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("get_code", {"code": "J9093"}, "unknown code 'J9093'. Did you mean J90"),
        ("search_codes", {"query": "   "}, "empty query"),
        ("search_codes", {"query": "x" * 10_000}, "at most 200 characters"),
        ("search_codes", {"query": 5}, "valid string"),
        ("search_codes", {"query": "x", "limit": "ten"}, "valid integer"),
        ("search_codes", {"query": "x", "systems": ["CPT"]}, "HCPCS"),
        ("search_codes", {"query": "x", "active_on": "yesterday"}, "pattern"),
        ("get_code", {"code": "J" * 10_000}, "at most 40 characters"),
        ("get_code", {}, "required"),
        ("validate_codes", {"codes": "E11.9"}, "valid list"),
        ("validate_codes", {"codes": []}, "at least 1"),
        ("validate_codes", {"codes": ["E11.9"], "on_date": "2026-13-45"}, "not a date"),
        ("explain_code", {"code": "E11.9", "sections": ["bogus"]}, "unknown section 'bogus'"),
        ("no_such_tool", {}, "Unknown tool"),
    ],
)
async def test_hostile_arguments_are_tool_errors(
    client: Client, tool: str, arguments: dict[str, Any], message: str
) -> None:
    assert message in await error(client, tool, arguments)


async def test_server_still_answers_after_errors(client: Client) -> None:
    await error(client, "get_code", {"code": "\x00" * 40})
    answer = await call(client, "search_codes", query="E11.9")
    assert answer["results"][0]["code"] == "E11.9"
