"""Encryption key checks and rotation.

Rotation without downtime: run every server with ``LINKVAULT_ENCRYPTION_KEYS=new,old`` (they encrypt
under the new key and still read the old), run ``linkvault keys rotate``, then drop the old key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel, col, select

from linkvault.engine.services import Services
from linkvault.errors import ConfigurationError, DecryptionError
from linkvault.store.models import AppConfiguration, LinkedAccount, LinkState

__all__ = ["ENCRYPTED_COLUMNS", "RotationReport", "rotate_keys", "verify_keys"]

# Every column that holds a secret encrypted with the configured keys.
ENCRYPTED_COLUMNS: list[tuple[type[SQLModel], tuple[str, ...]]] = [
    (AppConfiguration, ("client_secret_encrypted",)),
    (LinkState, ("code_verifier_encrypted",)),
    (LinkedAccount, ("access_token_encrypted", "refresh_token_encrypted")),
]


@dataclass(frozen=True)
class RotationReport:
    rows: dict[str, int]


async def verify_keys(services: Services) -> None:
    """Fail closed at start when the keys cannot open a stored secret (a removed or mistyped key),
    instead of failing on some later callback."""
    async with services.sessions() as session:
        for model, columns in ENCRYPTED_COLUMNS:
            column = getattr(model, columns[0])
            sample = (await session.execute(select(column).where(col(column).is_not(None)).limit(1))).scalar()
            if sample is None:
                continue
            try:
                services.cipher.decrypt(sample)
            except DecryptionError as exc:
                raise ConfigurationError(
                    "LINKVAULT_ENCRYPTION_KEYS cannot decrypt the stored secrets: "
                    "was a key removed or mistyped? (keys are tried in order; the first encrypts)"
                ) from exc


async def rotate_keys(services: Services, *, batch_size: int = 200) -> RotationReport:
    """Re-encrypt every secret under the first key, a batch of locked rows per transaction, so
    servers keep running and a concurrent write is never lost. A secret that no key opens stops
    the rotation with DecryptionError; what was rotated before it stays readable."""
    rows: dict[str, int] = {}
    for model, columns in ENCRYPTED_COLUMNS:
        count = 0
        last_id: Any = None
        while True:
            async with services.sessions.begin() as session:
                query = select(model).order_by(col(model.id)).limit(batch_size).with_for_update()  # type: ignore[attr-defined]
                if last_id is not None:
                    query = query.where(col(model.id) > last_id)  # type: ignore[attr-defined]
                batch = list((await session.execute(query)).scalars())
                for row in batch:
                    for name in columns:
                        value = getattr(row, name)
                        if value:
                            setattr(row, name, services.cipher.rotate(value))
            if not batch:
                break
            count += len(batch)
            last_id = batch[-1].id  # type: ignore[attr-defined]
        rows[str(model.__tablename__)] = count
    return RotationReport(rows=rows)
