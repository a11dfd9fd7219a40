"""Page cursors: a position the server gave out reads back; anything else is refused, never read as
another position."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from linkvault.engine.cursors import decode_time_and_id, encode_text, encode_time_and_id
from linkvault.errors import InvalidInput

_ROW = uuid.UUID("0b7ea9b4-5a5f-4f5e-9a43-3c2d0a6a1f10")


def test_a_position_given_out_reads_back() -> None:
    created_at = datetime(2026, 12, 1, 14, 15, 26, 703552, tzinfo=UTC)

    assert decode_time_and_id(encode_time_and_id(created_at, _ROW)) == (created_at, _ROW)


@pytest.mark.parametrize(
    "created_at",
    [
        "2026-12-01T14:15:26.703552",  # no offset
        "2026-12-01T14:15:26.703552-23:59",  # another offset: it was compared as if it were UTC
        datetime(2026, 12, 1, 14, tzinfo=timezone(timedelta(hours=2))).isoformat(),
    ],
)
def test_a_time_not_in_utc_is_no_position_of_ours(created_at: str) -> None:
    with pytest.raises(InvalidInput, match="the cursor is not one this server gave out"):
        decode_time_and_id(encode_text(f"{created_at}|{_ROW}"))
