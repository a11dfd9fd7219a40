"""Every column that holds a secret encrypted with the configured keys, and the reads that key
checks and key rotation make over them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from linkvault.store.models import AppConfiguration, LinkedAccount, LinkState, WebhookEndpoint

__all__ = ["ENCRYPTED_COLUMNS", "lock_batch", "sample_ciphertext"]

ENCRYPTED_COLUMNS: list[tuple[type[SQLModel], tuple[str, ...]]] = [
    (AppConfiguration, ("client_secret_encrypted",)),
    (LinkState, ("code_verifier_encrypted",)),
    (LinkedAccount, ("access_token_encrypted", "refresh_token_encrypted")),
    (WebhookEndpoint, ("secret_encrypted", "previous_secret_encrypted")),
]


async def sample_ciphertext(session: AsyncSession, *, model: type[SQLModel], column: str) -> str | None:
    """One stored ciphertext of ``model.column``, or None when the column holds none."""
    attribute = getattr(model, column)
    result = await session.execute(select(attribute).where(col(attribute).is_not(None)).limit(1))
    value = result.scalar()
    return value if isinstance(value, str) else None


async def lock_batch(session: AsyncSession, *, model: type[SQLModel], after_id: Any, limit: int) -> list[Any]:
    """Up to ``limit`` rows of ``model`` in id order after ``after_id`` (from the first when None),
    locked for update where the database can, so a concurrent write waits instead of being lost."""
    id_column = col(model.id)  # type: ignore[attr-defined]
    query = select(model).order_by(id_column).limit(limit).with_for_update()
    if after_id is not None:
        query = query.where(id_column > after_id)
    return list((await session.execute(query)).scalars())
