"""The clients people already use, against a real server: NLM's autocomplete-lhc widget (from
npm, in Debian chromium, on a page of another origin) on the CTSS tables; fhirclient and fhirpy
on the FHIR operations (every answer also parses with their R4 models)."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fhirclient import client as smart_client
from fhirclient.models.parameters import Parameters
from fhirclient.models.valueset import ValueSet
from fhirpy import SyncFHIRClient

WIDGET = Path(__file__).parent / "clients" / "node_modules" / "autocomplete-lhc"
CM = "http://hl7.org/fhir/sid/icd-10-cm"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
FIELDS = {"hcpcs": "Description", "icd10cm": "Name"}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        """No access log in test output."""


def widget_page(api: str) -> str:
    """A page loading autocomplete-lhc's files in the order its bower.json gives (with its
    jQuery replacement), one search field per CTSS table, selections recorded."""
    if not (WIDGET / "bower.json").is_file():
        pytest.fail(f"autocomplete-lhc missing: run `npm ci` in {WIDGET.parent.parent}")
    files = json.loads((WIDGET / "bower.json").read_text())["main"]
    tags = "\n".join(
        f'<link rel="stylesheet" href="/widget/{name}">'
        if name.endswith(".css")
        else f'<script src="/widget/{name}"></script>'
        for name in files
    )
    fields = "\n".join(f'<input id="{table}" type="text">' for table in FIELDS)
    setup = "\n".join(
        f"new Def.Autocompleter.Search('{table}', '{api}/api/{table}/v3/search', "
        f"{{tableFormat: true, valueCols: [0], colHeaders: ['Code', '{header}']}});"
        for table, header in FIELDS.items()
    )
    head = '<meta charset="utf-8"><title>widget</title><link rel="icon" href="data:,">'
    return f"""<!doctype html><html><head>{head}</head>
<body>{fields}
{tags}
<script>
{setup}
window.selections = [];
Def.Autocompleter.Event.observeListSelections(null, function (data) {{
  window.selections.push({{field: data.field_id, code: data.item_code, value: data.final_val}});
}});
</script></body></html>"""


@pytest.fixture(scope="module")
def other_origin(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static site on another origin (localhost, another port) serving the widget page."""
    root = tmp_path_factory.mktemp("other-origin")
    (root / "index.html").write_text(widget_page(server))
    (root / "widget").symlink_to(WIDGET.resolve())
    handler = functools.partial(QuietHandler, directory=str(root))
    site = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{site.server_address[1]}"
    finally:
        site.shutdown()
        site.server_close()


@pytest.mark.parametrize(
    ("table", "typed", "code"),
    [("hcpcs", "blinat", "J9039"), ("icd10cm", "hypert", "I10"), ("icd10cm", "diab", "E11.9")],
)
def test_autocomplete_lhc_from_another_origin(
    page: Any, other_origin: str, table: str, typed: str, code: str
) -> None:
    page.goto(other_origin + "/index.html")
    field = page.locator(f"#{table}")
    field.click()
    with page.expect_response(lambda r: f"terms={typed}" in r.url) as answer:
        field.press_sequentially(typed, delay=60)
    response = answer.value
    assert response.status == 200 and response.headers["access-control-allow-origin"] == "*"
    rows = page.locator("#completionOptions tbody tr")
    rows.first.wait_for(timeout=10_000)
    shown = [cells.split("\t")[0].strip() for cells in rows.all_inner_texts()][:7]
    assert code in shown, shown  # among the first 7 rows the widget shows
    rows.nth(shown.index(code)).click()
    page.wait_for_function("window.selections.length > 0")
    selection = page.evaluate("window.selections[0]")
    assert selection["code"] == code and selection["field"] == table
    assert page.errors == []  # no CORS or script error in the page


def test_fhirclient_connects_and_reads_a_lookup(server: str) -> None:
    smart = smart_client.FHIRClient(
        settings={"app_id": "medcodes-test", "api_base": f"{server}/fhir"}
    )
    smart.prepare()  # reads /metadata into fhirclient's R4 CapabilityStatement model
    assert smart.ready and smart.server.capabilityStatement.fhirVersion == "4.0.1"
    answer = smart.server.request_json(f"CodeSystem/$lookup?system={CM}&code=E11.9")
    parameters = Parameters(answer)  # strict R4 model: raises on anything not R4
    display = next(p.valueString for p in parameters.parameter if p.name == "display")
    assert display == "Type 2 diabetes mellitus without complications"


def test_fhirpy_lookup_validate_expand(server: str) -> None:
    fhir = SyncFHIRClient(f"{server}/fhir")
    looked_up = fhir.execute(
        "CodeSystem/$lookup", method="get", params={"system": HCPCS, "code": "J9039"}
    )
    assert {"name": "display", "valueString": "Injection, blinatumomab, 1 microgram"} in (
        looked_up["parameter"]
    )
    Parameters(looked_up)
    valid = fhir.execute(
        "CodeSystem/$validate-code", method="get", params={"url": CM, "code": "E11.9"}
    )
    assert valid["parameter"][0] == {"name": "result", "valueBoolean": True}
    invalid = fhir.execute(
        "CodeSystem/$validate-code", method="get", params={"url": CM, "code": "E119"}
    )
    assert invalid["parameter"][0] == {"name": "result", "valueBoolean": False}
    expanded = fhir.execute(
        "ValueSet/$expand",
        method="post",
        data={
            "resourceType": "Parameters",
            "parameter": [
                {"name": "url", "valueUri": f"{CM}?fhir_vs"},
                {"name": "filter", "valueString": "diabet"},
                {"name": "count", "valueInteger": 5},
            ],
        },
    )
    value_set = ValueSet(expanded)
    assert value_set.expansion.total > 5 and len(value_set.expansion.contains) == 5
    assert "E11.9" in [entry.code for entry in value_set.expansion.contains]
