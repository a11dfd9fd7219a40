"""Projects and API keys: keys are random, shown once, and stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field

from linkvault.engine.services import Services
from linkvault.errors import NotFound
from linkvault.store import projects as store

__all__ = ["NewApiKey", "authenticate", "create_api_key", "create_project", "revoke_api_key"]

_KEY_PREFIX = "lvk_"


@dataclass(frozen=True)
class NewApiKey:
    project_id: uuid.UUID
    key_id: uuid.UUID
    api_key: str = field(repr=False)


def _hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def _new_key() -> str:
    return _KEY_PREFIX + secrets.token_urlsafe(32)  # 256 random bits


async def create_project(services: Services, *, name: str) -> NewApiKey:
    api_key = _new_key()
    async with services.sessions.begin() as session:
        project = await store.create_project(session, name=name)
        key = await store.add_api_key(session, project_id=project.id, key_hash=_hash_key(api_key))
    return NewApiKey(project_id=project.id, key_id=key.id, api_key=api_key)


async def create_api_key(services: Services, *, project_id: uuid.UUID) -> NewApiKey:
    api_key = _new_key()
    async with services.sessions.begin() as session:
        if await store.get_project(session, project_id=project_id) is None:
            raise NotFound("no such project")
        key = await store.add_api_key(session, project_id=project_id, key_hash=_hash_key(api_key))
    return NewApiKey(project_id=project_id, key_id=key.id, api_key=api_key)


async def revoke_api_key(services: Services, *, key_id: uuid.UUID) -> None:
    async with services.sessions.begin() as session:
        if not await store.revoke_api_key(session, key_id=key_id):
            raise NotFound("no such active API key")


async def authenticate(services: Services, *, api_key: str) -> uuid.UUID | None:
    """The project of an active key, or None. The lookup is by hash, so its timing tells nothing
    about the key; an oversized value is refused before hashing."""
    if not api_key or len(api_key) > 256:
        return None
    async with services.sessions() as session:
        return await store.find_project_id_by_key_hash(session, key_hash=_hash_key(api_key))
