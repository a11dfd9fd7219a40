"""Unit tests: the engine's protocol code and the store's crypto, with no server and no database."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
