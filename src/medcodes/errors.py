"""Errors a user can cause. Each message says what went wrong and what to do next.

`cli/common.py` and the web app's one exception handler translate these; anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class MedcodesError(Exception):
    """Base of every error that is the user's to fix (bad input, missing files)."""


class SourceFormatError(MedcodesError):
    """An official source file is truncated, malformed or holds an unknown coded value."""

    def __init__(self, file: str | Path, where: str | int | None, problem: str) -> None:
        self.file = str(file)
        self.where = where
        self.problem = problem
        location = self.file
        if isinstance(where, int):
            location += f", line {where}"
        elif where:
            location += f", {where}"
        super().__init__(f"{location}: {problem}")

    def __reduce__(self) -> tuple[type, tuple[str, str | int | None, str]]:
        """Pickled with its parts: a build's worker process raises it to the main one."""
        return (type(self), (self.file, self.where, self.problem))


class SourcesMissing(MedcodesError):
    """The official source files are not where the settings say."""


class CatalogMissing(MedcodesError):
    """No catalog file yet (or not a catalog)."""


class NotFound(MedcodesError):
    """Something a user asked for by name that the catalog does not hold."""


class UnknownCode(NotFound):
    """A code that no release in the catalog knows; carries close real codes."""

    def __init__(self, code: str, suggestions: list[str] | None = None) -> None:
        self.code = code
        self.suggestions = suggestions or []
        message = f"unknown code {code!r}"
        if self.suggestions:
            message += ". Did you mean " + ", ".join(self.suggestions) + "?"
        super().__init__(message)


class BadQuery(MedcodesError):
    """A request parameter a user sent is out of range or malformed."""
