"""`medcodes` command line: one Typer app, one module per group of commands.

Each command resolves settings, opens the library facade (`medcodes.api.Medcodes`), calls one
method and prints (cli/common.py has the shared options and error handling). A new command
goes in a module of its own and gets one line in COMMANDS. A command's module is imported, and
its click command made, only when that command runs or a help page lists it: making all of
them took ~50 ms of `medcodes show`'s start-up (bench/startup.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from importlib import import_module
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_group

from medcodes.settings import Settings

Command = TyperCommand | TyperGroup
# Command name -> (module in medcodes.cli, its command function or Typer group), in help order.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "build"),
    "show": ("codes", "show"),
    "info": ("codes", "info"),
    "diff": ("diff", "diff"),
    "search": ("search", "search"),
    "eval": ("search", "evaluate"),
    "policies": ("policies", "policies_command"),
    "serve": ("serve", "serve_command"),
    "mcp": ("mcp", "mcp"),
    "explain": ("explain", "explain_app"),
    "similar": ("policies", "similar_app"),
    "knowledge": ("knowledge", "knowledge_app"),
}


def load_command(name: str) -> Command:
    """The click command `name` of COMMANDS, made as `app.command(name)` or
    `app.add_typer(group, name=name)` would have made it."""
    module, attribute = COMMANDS[name]
    target = getattr(import_module(f"medcodes.cli.{module}"), attribute)
    holder = typer.Typer()
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    return get_group(holder).commands[name]  # type: ignore[return-value]


class LazyCommands(MutableMapping[str, Command]):
    """The top-level group's commands: every name listed (help, "did you mean"), each command
    made on first use."""

    def __init__(self) -> None:
        self.made: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self.made:
            if name not in COMMANDS:
                raise KeyError(name)
            self.made[name] = load_command(name)
        return self.made[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self.made[name] = command

    def __delitem__(self, name: str) -> None:
        del self.made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class LazyGroup(TyperGroup):
    """The `medcodes` group, whose commands are LazyCommands."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands()


app = typer.Typer(
    cls=LazyGroup,
    help="Search and explain US medical codes (HCPCS, ICD-10-CM, ICD-10-PCS) "
    "from the official CMS/CDC releases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress facts.")] = False,
) -> None:
    level = "INFO" if verbose else Settings().log_level
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
