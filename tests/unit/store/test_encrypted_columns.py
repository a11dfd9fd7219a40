"""Key checks and key rotation cover every secret the database holds encrypted."""

from __future__ import annotations

from sqlmodel import SQLModel

from linkvault.store import models  # noqa: F401 (registers every table)
from linkvault.store.encrypted_columns import ENCRYPTED_COLUMNS


def test_every_encrypted_column_is_rotated_and_checked() -> None:
    # A table that adds an `*_encrypted` column and is left out of the list keeps that column under
    # the old key after `linkvault keys rotate`; once the old key is dropped, it no longer opens.
    stored = {
        (table.name, column.name)
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if column.name.endswith("_encrypted")
    }
    listed = {
        (model.__tablename__, name)  # type: ignore[attr-defined]
        for model, names in ENCRYPTED_COLUMNS
        for name in names
    }
    assert listed == stored
