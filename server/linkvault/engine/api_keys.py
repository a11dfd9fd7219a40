"""API keys: random, shown once, and stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from linkvault.engine.refresh import Prefetched
from linkvault.engine.services import Services
from linkvault.errors import NotFound
from linkvault.store import api_keys as store
from linkvault.store import linked_accounts
from linkvault.store.database import connect
from linkvault.store.projects import get_project

__all__ = [
    "ApiKeyInfo",
    "NewApiKey",
    "add_api_key",
    "authenticate",
    "authenticate_reading_credentials",
    "create_api_key",
    "list_api_keys",
    "revoke_api_key",
]

_KEY_PREFIX = "lvk_"
_MAX_KEY_LENGTH = 256


@dataclass(frozen=True)
class NewApiKey:
    """A key just made: the only moment its plaintext exists outside the caller's hands."""

    project_id: uuid.UUID
    key_id: uuid.UUID
    api_key: str = field(repr=False)


@dataclass(frozen=True)
class ApiKeyInfo:
    """What may be shown about a stored key: never its hash (which would let anyone test guesses)."""

    key_id: uuid.UUID
    project_id: uuid.UUID
    created_at: datetime
    revoked_at: datetime | None


def _hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


async def add_api_key(session: AsyncSession, *, project_id: uuid.UUID) -> NewApiKey:
    """Add a new key (``lvk_`` and 256 random bits) to a project inside the caller's transaction."""
    api_key = _KEY_PREFIX + secrets.token_urlsafe(32)
    key = await store.add_api_key(session, project_id=project_id, key_hash=_hash_key(api_key))
    return NewApiKey(project_id=project_id, key_id=key.id, api_key=api_key)


async def create_api_key(services: Services, *, project_id: uuid.UUID) -> NewApiKey:
    """Add a key to an existing project. Raises NotFound for an unknown project."""
    async with services.sessions.begin() as session:
        if await get_project(session, project_id=project_id) is None:
            raise NotFound(f"no such project: {project_id}")
        return await add_api_key(session, project_id=project_id)


async def list_api_keys(services: Services, *, project_id: uuid.UUID) -> list[ApiKeyInfo]:
    """The project's keys, revoked ones included, oldest first. Raises NotFound for an unknown project."""
    async with services.sessions() as session:
        if await get_project(session, project_id=project_id) is None:
            raise NotFound(f"no such project: {project_id}")
        keys = await store.list_api_keys(session, project_id=project_id)
    return [
        ApiKeyInfo(
            key_id=key.id, project_id=key.project_id, created_at=key.created_at, revoked_at=key.revoked_at
        )
        for key in keys
    ]


async def revoke_api_key(services: Services, *, key_id: uuid.UUID) -> None:
    """Revoke a key at once. Raises NotFound when no active key has this id."""
    async with services.sessions.begin() as session:
        if not await store.revoke_api_key(session, key_id=key_id):
            raise NotFound(f"no such active API key: {key_id}")


async def authenticate(services: Services, *, api_key: str) -> uuid.UUID | None:
    """The project of an active key, or None. The lookup is by hash, so its timing tells nothing
    about the key; an oversized value is refused before hashing."""
    if not api_key or len(api_key) > _MAX_KEY_LENGTH:
        return None
    async with connect(services.db_engine) as connection:
        return await store.find_project_id_by_key_hash(connection, key_hash=_hash_key(api_key))


async def authenticate_reading_credentials(
    services: Services, *, api_key: str, linked_account_id: uuid.UUID
) -> tuple[uuid.UUID, Prefetched] | None:
    """``authenticate``, and in the same statement the credentials read of ``refresh.get_credentials``
    for the key's project: the key's project and that read, or None for a key that is not active.
    For the credentials endpoint, which every application call goes through: on PostgreSQL, one
    connection checkout and one round trip instead of two; on SQLite, one inline reader for both."""
    if not api_key or len(api_key) > _MAX_KEY_LENGTH:
        return None
    async with connect(services.db_engine) as connection:
        found = await linked_accounts.read_account_credentials_for_key(
            connection,
            key_hash=_hash_key(api_key),
            linked_account_id=linked_account_id,
            dialect_name=services.db_engine.dialect.name,
        )
    if found is None:
        return None
    project_id, account = found
    return project_id, Prefetched(linked_account_id=linked_account_id, account=account)
