"""The command line's listings follow every cursor, and stop at ``--limit``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from linkvault.cli import _every_page


@dataclass
class _Page:
    items: list[int]
    next_cursor: str | None


_PAGES = {None: _Page([1, 2], "b"), "b": _Page([3, 4], "c"), "c": _Page([5], None)}


def test_every_page_is_followed_to_the_end() -> None:
    asked: list[str | None] = []

    async def fetch(cursor: str | None) -> _Page:
        asked.append(cursor)
        return _PAGES[cursor]

    rows = asyncio.run(_every_page(fetch, lambda n: {"n": n}))
    assert rows == [{"n": n} for n in (1, 2, 3, 4, 5)]
    assert asked == [None, "b", "c"]


def test_a_limit_stops_at_the_page_that_reaches_it() -> None:
    asked: list[str | None] = []

    async def fetch(cursor: str | None) -> _Page:
        asked.append(cursor)
        return _PAGES[cursor]

    assert asyncio.run(_every_page(fetch, lambda n: {"n": n}, limit=3)) == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert asked == [None, "b"]
