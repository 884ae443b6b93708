"""What every `medcodes` command shares: options, settings, output and error handling.

Commands translate; the library works: each resolves settings, opens `Medcodes` (the facade in
`medcodes.api`), calls one method and prints. User errors (MedcodesError) become
`Error: ...` on stderr and exit code 1. Command modules import this module, never each other
or `medcodes.cli` itself, so the package has no import cycle.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from medcodes.errors import MedcodesError
from medcodes.serial import to_json
from medcodes.settings import Settings

if TYPE_CHECKING:
    from medcodes.api import Medcodes

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)

CatalogOpt = Annotated[
    Path | None,
    typer.Option(
        "--catalog", help="Catalog file [env MEDCODES_CATALOG; default: per-user data dir]"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
SystemOpt = Annotated[
    str | None, typer.Option("--system", "-s", help="HCPCS, HCPCS-MOD, ICD10CM or ICD10PCS.")
]
CodeArg = Annotated[str, typer.Argument(help="A code in any form: J9039, e119, E11.9, 0DTJ4ZZ.")]
F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(function: F) -> F:
    """Turn MedcodesError into `Error: ...` and exit 1; anything else is a bug and propagates."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except MedcodesError as exc:
            sys.stderr.write(f"Error: {exc}\n")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def settings(**flags: Any) -> Settings:
    """Flag > environment > default."""
    return Settings(**{key: value for key, value in flags.items() if value is not None})


def open_codes(catalog: Path | None, **options: Any) -> Medcodes:
    """The catalog as the facade (CatalogMissing says how to build one)."""
    from medcodes.api import Medcodes

    return Medcodes(settings(catalog=catalog).catalog, **options)


def emit_json(value: Any, *, indent: bool = True) -> None:
    """JSON through the library's one serialiser (what the web API sends for the same value)."""
    sys.stdout.write(to_json(value, indent=indent).decode() + "\n")
