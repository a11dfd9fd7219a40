"""A background round that fails because the database is down is one WARNING line with its code, as a
request failing the same way is; only a bug logs a traceback (README, "Logs")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from linkvault.engine import housekeeping, idle_refresh, webhook_delivery
from linkvault.engine.rounds import log_failed_round
from linkvault.engine.services import Services, open_services
from linkvault.errors import DatabaseUnavailable
from linkvault.settings import Settings


@pytest.mark.parametrize(
    "loop",
    [housekeeping.run_periodically, idle_refresh.run_periodically, webhook_delivery.run_periodically],
    ids=["housekeeping", "idle_refresh", "webhook_delivery"],
)
def test_a_round_without_its_database_is_one_warning(
    loop: Callable[[Services], Coroutine[Any, Any, None]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'db.sqlite'}",
        encryption_keys=Fernet.generate_key().decode(),
        prune_interval_seconds=0.01,
        webhooks_poll_interval_seconds=0.01,
        idle_refresh_interval_seconds=0.01,
    )

    async def run() -> None:
        services = open_services(settings)
        task = asyncio.create_task(loop(services))
        try:
            # A few rounds (each waits 0.01 s): the loop keeps going after a failure.
            for _ in range(200):
                await asyncio.sleep(0.01)
                if sum(record.levelno == logging.WARNING for record in caplog.records) >= 2:
                    break
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await services.aclose()

    with caplog.at_level(logging.WARNING, logger="linkvault"):
        asyncio.run(run())
    rounds = [record for record in caplog.records if record.name.startswith("linkvault.engine")]
    assert len(rounds) >= 2, caplog.text
    assert all(record.levelno == logging.WARNING and record.exc_info is None for record in rounds), (
        caplog.text
    )
    assert all("database_unavailable" in record.getMessage() for record in rounds)


def test_a_bug_in_a_round_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("linkvault.engine.test")
    with caplog.at_level(logging.WARNING, logger="linkvault"):
        try:
            raise KeyError("a bug")
        except KeyError as exc:
            log_failed_round(logger, exc, what="a round")
        log_failed_round(logger, DatabaseUnavailable("down"), what="a round")
    bug, expected = caplog.records
    assert bug.levelno == logging.ERROR and bug.exc_info is not None
    assert expected.levelno == logging.WARNING and expected.exc_info is None
    assert expected.getMessage() == "a round failed (database_unavailable); trying again in the next round"
