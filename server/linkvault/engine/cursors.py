"""Opaque page cursors: a position in a listing, base64url-encoded (no padding), so that a client
passes back what it was given and never builds one. Every listing pages by keyset, never by offset,
so a page costs one index range read however deep it is."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime, timedelta

from linkvault.errors import InvalidInput

__all__ = ["decode_text", "decode_time_and_id", "encode_text", "encode_time_and_id"]


def _not_ours() -> InvalidInput:
    return InvalidInput("the cursor is not one this server gave out", field=("cursor",))


def encode_text(position: str) -> str:
    """``position`` as a cursor."""
    return base64.urlsafe_b64encode(position.encode()).decode("ascii").rstrip("=")


def decode_text(cursor: str) -> str:
    """The text a cursor of ``encode_text`` holds. Raises InvalidInput when it is not one."""
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise _not_ours() from exc


def encode_time_and_id(created_at: datetime, row_id: uuid.UUID) -> str:
    """The position after the row (``created_at``, ``row_id``) of a listing in that order."""
    return encode_text(f"{created_at.isoformat()}|{row_id}")


def decode_time_and_id(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (aware ``created_at``, in UTC, id) a cursor of ``encode_time_and_id`` holds. Raises
    InvalidInput when it is not one: every time this server writes is in UTC, so one without an offset
    or with another (which the listings would have compared as if it were UTC) is not."""
    try:
        created_at, row_id = decode_text(cursor).split("|")
        position = datetime.fromisoformat(created_at), uuid.UUID(row_id)
    except ValueError as exc:
        raise _not_ours() from exc
    if position[0].utcoffset() != timedelta(0):
        raise _not_ours()
    return position
