"""What a serving process does once its application is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from linkvault.app import create_app, create_app_for_serving
from linkvault.settings import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        encryption_keys=Fernet.generate_key().decode(),
    )


def test_a_serving_process_freezes_its_startup_heap(tmp_path: Path, unfrozen: None) -> None:
    """The spec, validators and modules leave the cyclic collector's full passes (a 70 to 80 ms stall
    each under load, benchmarks/README.md); a collection afterwards still frees new cycles."""
    app = create_app_for_serving(_settings(tmp_path))
    frozen = gc.get_freeze_count()
    assert frozen > 10_000, "the loaded application should be frozen"
    assert not any(isinstance(o, type(app)) for o in gc.get_objects())  # none left to walk

    class Cycle:
        pass

    made = Cycle()
    made.self = made  # type: ignore[attr-defined]
    del made
    assert gc.collect() >= 1
    # Collecting does not thaw the frozen heap; a frozen object that reference counting frees (one
    # some thread let go of after the freeze) leaves it, so the count may fall by a few.
    assert frozen * 0.99 <= gc.get_freeze_count() <= frozen


def test_building_an_application_freezes_nothing(tmp_path: Path, unfrozen: None) -> None:
    """A process that builds many applications (the tests, an embedding program) keeps collecting them."""
    create_app(_settings(tmp_path))
    assert gc.get_freeze_count() == 0
