"""Per-build caches: answers computed from one catalog build, keyed by its Site.

Every cache of the web layer is made with `per_build`, so that when the server switches to a
new build (web/live.py) `forget_builds()` empties them all: entries of the new build are
recomputed, and nothing keeps the replaced build (its catalog, index, caches) alive.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_CACHES: list[Any] = []


def per_build(maxsize: int) -> Callable[[F], F]:
    """`functools.lru_cache(maxsize)`, registered to be emptied when the build changes."""

    def wrap(function: F) -> F:
        cached = lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


def forget_builds() -> None:
    for cached in _CACHES:
        cached.cache_clear()
