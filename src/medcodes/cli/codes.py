"""`medcodes show CODE` and `medcodes info`: one code's view, and the catalog's manifest."""

from __future__ import annotations

from medcodes.cli.common import (
    CatalogOpt,
    CodeArg,
    JsonOpt,
    SystemOpt,
    emit_json,
    handles_errors,
    open_codes,
    out,
    settings,
)


@handles_errors
def show(
    code: CodeArg, system: SystemOpt = None, catalog: CatalogOpt = None, as_json: JsonOpt = False
) -> None:
    """Print everything known about CODE, e.g. `medcodes show e119` (--json: the code view).

    The JSON is the document /api/v1/codes/CODE and MCP get_code answer with."""
    with open_codes(catalog) as codes:  # the text shows no explanation: not made for it
        view = codes.code(code, system, explanation=as_json)
    if as_json:
        emit_json(view)
        return
    from medcodes.cli.text import print_details

    print_details(out, view)


@handles_errors
def info(catalog: CatalogOpt = None, as_json: JsonOpt = False) -> None:
    """Print the catalog's manifest: sources, releases and counts per system."""
    from medcodes.cli.text import print_info

    config = settings(catalog=catalog)
    with open_codes(config.catalog) as codes:
        manifest = codes.manifest
    report = {
        "catalog": manifest.path,
        "meta": manifest.meta,
        "releases": manifest.releases,
        "sources": manifest.sources,
        "settings": config.public(),
    }
    if as_json:
        emit_json(report)
    else:
        print_info(out, manifest)
