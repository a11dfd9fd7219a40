"""How an idle refresh round reports the accounts it could not refresh."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from linkvault import errors
from linkvault.engine import idle_refresh, refresh
from linkvault.store import linked_accounts


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_an_account_the_keys_cannot_open_is_an_error_line_a_provider_failure_is_not(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A secret the configured keys cannot open will not open next round either: the operator must
    act, so it is an ERROR with the remedy (no traceback); a provider's failure is left to the next
    round at INFO."""
    undecryptable, unreachable = (SimpleNamespace(id=uuid.uuid4(), project_id=uuid.uuid4()) for _ in range(2))
    failures = {
        undecryptable.id: errors.DecryptionError("cannot decrypt"),
        unreachable.id: errors.ProviderUnavailable("down"),
    }

    @asynccontextmanager
    async def session() -> AsyncIterator[None]:
        yield None

    async def idle(_session: Any, **_kwargs: Any) -> list[SimpleNamespace]:
        return [undecryptable, unreachable]

    async def failing(_services: Any, *, linked_account_id: uuid.UUID, **_kwargs: Any) -> None:
        raise failures[linked_account_id]

    monkeypatch.setattr(linked_accounts, "list_idle_accounts", idle)
    monkeypatch.setattr(refresh, "get_credentials", failing)
    services = SimpleNamespace(sessions=session, clock=lambda: datetime.now(UTC))

    with caplog.at_level(logging.INFO, logger="linkvault.engine.idle_refresh"):
        tried = await idle_refresh.refresh_idle_accounts(services)  # type: ignore[arg-type]

    assert tried == 2
    first, second = caplog.records
    assert (first.levelno, first.exc_info, getattr(first, "code", None)) == (
        logging.ERROR,
        None,
        "decryption_failed",
    )
    assert errors.DecryptionError.REMEDY in first.getMessage()
    assert second.levelno == logging.INFO


@pytest.mark.anyio
async def test_the_failures_a_loop_remembers_are_bounded_the_oldest_forgotten_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each remembered failure is a bound parameter of the next round's query (PostgreSQL takes at
    most 32,767): the loop keeps ``MAX_REMEMBERED``, forgetting the oldest first."""
    now = datetime.now(UTC)
    remembered = {uuid.uuid4(): now for _ in range(idle_refresh.MAX_REMEMBERED)}
    oldest = next(iter(remembered))
    failing = [SimpleNamespace(id=uuid.uuid4(), project_id=uuid.uuid4()) for _ in range(3)]
    excluded: list[int] = []

    @asynccontextmanager
    async def session() -> AsyncIterator[None]:
        yield None

    async def idle(_session: Any, *, exclude: Any, **_kwargs: Any) -> list[SimpleNamespace]:
        excluded.append(len(exclude))
        return failing

    async def down(_services: Any, **_kwargs: Any) -> None:
        raise errors.ProviderUnavailable("down")

    monkeypatch.setattr(linked_accounts, "list_idle_accounts", idle)
    monkeypatch.setattr(refresh, "get_credentials", down)
    services = SimpleNamespace(sessions=session, clock=lambda: now)

    await idle_refresh.refresh_idle_accounts(services, failed=remembered)  # type: ignore[arg-type]

    assert excluded == [idle_refresh.MAX_REMEMBERED]
    assert len(remembered) == idle_refresh.MAX_REMEMBERED
    assert oldest not in remembered
    assert all(account.id in remembered for account in failing)
