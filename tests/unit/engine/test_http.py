"""Outbound calls once the client is warm: nothing is looked up on the import path per call."""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

import pytest

from linkvault.engine import http
from support.egress import RecordingBackend, raw_server, resolving_to

pytestmark = pytest.mark.anyio


class _ImportLookups(importlib.abc.MetaPathFinder):
    """Records every module name the import system searches for (a name not in ``sys.modules``)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        self.names.append(fullname)
        return None


async def test_a_warm_client_searches_for_no_module_per_call() -> None:
    """httpcore asks for ``sniffio`` on every request and falls back to asyncio when it is missing; a
    missing module is searched for on every ``sys.path`` entry each time (about 50 µs a call, a fifth
    of a callback's CPU when measured), so linkvault depends on sniffio."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    _, resolver = resolving_to("127.0.0.1")
    client = http.new_client(timeout_seconds=2, resolver=resolver, network_backend=RecordingBackend())
    lookups = _ImportLookups()
    async with raw_server(answer) as port, client:
        url = f"http://provider.example:{port}/token"
        assert (await http.get(client, url)).status_code == 200  # first use: imports the backends
        sys.meta_path.insert(0, lookups)
        try:
            for _ in range(3):
                assert (await http.get(client, url)).status_code == 200
        finally:
            sys.meta_path.remove(lookups)
    assert lookups.names == []
