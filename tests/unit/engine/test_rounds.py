"""A background round that fails because the database is down is one WARNING line with its code, as a
request failing the same way is; only a bug logs a traceback (README, "Logs"). A run of failed rounds
is reported once, then once a minute with its count, and its end once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from linkvault.engine import housekeeping, idle_refresh, webhook_delivery
from linkvault.engine.rounds import RoundLog
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
            # Many rounds (each waits 0.01 s): the loop keeps going after a failure, and says so once.
            for _ in range(500):
                await asyncio.sleep(0.01)
                if sum(record.levelno == logging.DEBUG for record in caplog.records) >= 5:
                    break
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await services.aclose()

    with caplog.at_level(logging.DEBUG, logger="linkvault.engine"):
        asyncio.run(run())
    rounds = [record for record in caplog.records if record.name.startswith("linkvault.engine")]
    warnings = [record for record in rounds if record.levelno >= logging.WARNING]
    again = [
        record
        for record in rounds
        if record.levelno == logging.DEBUG and "failed again" in record.getMessage()
    ]
    assert len(warnings) == 1 and len(again) >= 5, caplog.text
    assert warnings[0].levelno == logging.WARNING and warnings[0].exc_info is None
    assert "database_unavailable" in warnings[0].getMessage()


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_long_outage_is_reported_once_a_minute_and_its_end_once(caplog: pytest.LogCaptureFixture) -> None:
    clock = _Clock()
    log = RoundLog(logging.getLogger("linkvault.engine.test"), what="a round", clock=clock)
    with caplog.at_level(logging.INFO, logger="linkvault"):
        for _ in range(600):  # ten minutes of a round a second
            log.failed(DatabaseUnavailable("down"))
            clock.now += 1
        log.succeeded()
        log.succeeded()
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == "a round failed (database_unavailable); trying again in the next round"
    assert (
        messages[1]
        == "a round failed again (database_unavailable): 61 failed rounds in a row; trying again in the next round"
    )
    assert len(messages) == 1 + 9 + 1, messages
    assert messages[-1] == "a round works again after 600 failed rounds"


def test_each_kind_of_failure_in_a_run_is_reported_once_and_the_run_counted_whole(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A flapping outage (the database refusing, then a bug's error, then refusing again) is one line
    for each kind, not one for each change of kind, and the run's count covers every failed round."""
    clock = _Clock()
    log = RoundLog(logging.getLogger("linkvault.engine.test"), what="a round", clock=clock)
    with caplog.at_level(logging.INFO, logger="linkvault"):
        for index in range(40):
            if index % 2:
                try:
                    raise KeyError("a bug")
                except KeyError as exc:
                    log.failed(exc)
            else:
                log.failed(DatabaseUnavailable("down"))
            clock.now += 1
        log.succeeded()
    outage, bug, back = caplog.records
    assert outage.levelno == logging.WARNING and outage.exc_info is None
    assert bug.levelno == logging.ERROR and bug.exc_info is not None
    assert back.getMessage() == "a round works again after 40 failed rounds"


def test_a_bug_in_a_round_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("linkvault.engine.test")
    with caplog.at_level(logging.WARNING, logger="linkvault"):
        try:
            raise KeyError("a bug")
        except KeyError as exc:
            RoundLog(logger, what="a round").failed(exc)
        RoundLog(logger, what="a round").failed(DatabaseUnavailable("down"))
    bug, expected = caplog.records
    assert bug.levelno == logging.ERROR and bug.exc_info is not None
    assert expected.levelno == logging.WARNING and expected.exc_info is None
    assert expected.getMessage() == "a round failed (database_unavailable); trying again in the next round"
