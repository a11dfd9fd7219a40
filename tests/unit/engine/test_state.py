"""The state parameter: 256 random bits, stored as a hash, malformed values refused up front."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from linkvault.engine import state as states
from linkvault.engine.linking import CallbackParameters, finish_link
from linkvault.engine.observer import Observer
from linkvault.errors import InvalidState


def test_state_carries_256_random_bits() -> None:
    state = states.new_state()
    assert len(state) == 43
    assert len(base64.urlsafe_b64decode(state + "=")) == 32


def test_states_are_distinct() -> None:
    assert len({states.new_state() for _ in range(500)}) == 500


def test_a_fresh_state_is_accepted_and_stored_as_its_sha256() -> None:
    state = states.new_state()
    stored = states.hash_state(state)
    assert stored == hashlib.sha256(state.encode()).hexdigest()
    assert state not in stored


def test_the_same_state_always_hashes_the_same_and_another_state_differently() -> None:
    state = states.new_state()
    assert states.hash_state(state) == states.hash_state(state)
    assert states.hash_state(state) != states.hash_state(states.new_state())


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "a" * 42,
        "a" * 44,
        "a" * 10_000,
        "a" * 42 + "=",
        "a" * 42 + "+",
        "a" * 42 + "/",
        "a" * 42 + ".",
        "a" * 42 + "é",
        "a" * 42 + "\n",
        " " + "a" * 42,
    ],
    ids=lambda value: repr(value)[:20],
)
def test_malformed_state_is_refused(value: str | None) -> None:
    with pytest.raises(InvalidState):
        states.hash_state(value)


class _NoDatabase:
    """Stands in for the services; any database access fails the test. The observer, which hears
    the refused callback (a failed link), is no database work."""

    def __init__(self) -> None:
        self.observer = _Failures()

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"services.{name} was used for a malformed state")


class _Failures(Observer):
    def __init__(self) -> None:
        self.codes: list[str] = []

    def link_failed(self, code: str) -> None:
        self.codes.append(code)


@pytest.mark.anyio
@pytest.mark.parametrize("value", [None, "short", "x" * 43 + "'--"])
async def test_callback_with_malformed_state_is_refused_before_any_database_work(value: str | None) -> None:
    services = _NoDatabase()
    with pytest.raises(InvalidState):
        await finish_link(services, CallbackParameters(state=value, code="code"))  # type: ignore[arg-type]
    assert services.observer.codes == ["invalid_state"]  # counted as a failed link
