"""Encryption keys: the start-up check and rotation (the keys themselves are ``store.crypto.Cipher``).

Rotation without downtime: run every server with ``LINKVAULT_ENCRYPTION_KEYS=new,old`` (they encrypt
under the new key and still read the old), run ``linkvault keys rotate``, then drop the old key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linkvault.engine.services import Services, key_source
from linkvault.errors import ConfigurationError, DecryptionError
from linkvault.store.encrypted_columns import ENCRYPTED_COLUMNS, lock_batch, sample_ciphertext

__all__ = ["RotationReport", "rotate_keys", "verify_keys"]


@dataclass(frozen=True)
class RotationReport:
    """Rows re-encrypted, by table name."""

    rows: dict[str, int]


async def verify_keys(services: Services) -> None:
    """Fail closed at start when the keys cannot open a stored secret (a removed or mistyped key),
    instead of failing on some later callback. Raises ConfigurationError."""
    async with services.sessions() as session:
        for model, columns in ENCRYPTED_COLUMNS:
            sample = await sample_ciphertext(session, model=model, column=columns[0])
            if sample is None:
                continue
            try:
                services.cipher.decrypt(sample)
            except DecryptionError as exc:
                raise ConfigurationError(_cannot_decrypt(services)) from exc


def _cannot_decrypt(services: Services) -> str:
    source = key_source(services.settings)
    advice = (
        "was a key removed or mistyped? (keys are tried in order; the first encrypts)"
        if source == "LINKVAULT_ENCRYPTION_KEYS"
        # The embedded default's file still holds the key a rotation moved away from.
        else "after a rotation, set LINKVAULT_ENCRYPTION_KEYS or write the new key into that file "
        "(docs/deployment.md)"
    )
    return f"{source} cannot decrypt the stored secrets: {advice}"


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
                batch = await lock_batch(session, model=model, after_id=last_id, limit=batch_size)
                for row in batch:
                    for name in columns:
                        value = getattr(row, name)
                        if value:
                            try:
                                setattr(row, name, services.cipher.rotate(value))
                            except DecryptionError as exc:
                                raise DecryptionError(_cannot_decrypt(services)) from exc
            if not batch:
                break
            count += len(batch)
            last_id = batch[-1].id
        rows[str(model.__tablename__)] = count
    return RotationReport(rows=rows)
