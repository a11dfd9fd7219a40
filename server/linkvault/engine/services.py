"""What every engine call needs: settings, database sessions, the cipher and the outbound HTTP client."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from linkvault.engine.egress import EgressPolicy, Resolver, system_resolver
from linkvault.engine.http import OutboundClient, new_client
from linkvault.engine.id_tokens import KeySetCache
from linkvault.engine.observer import NULL_OBSERVER, Observer
from linkvault.errors import ConfigurationError
from linkvault.settings import Settings
from linkvault.store.crypto import Cipher, load_key_file
from linkvault.store.database import create_engine, create_sessionmaker, dispose, sqlite_path
from linkvault.store.types import utc_now

if TYPE_CHECKING:
    # Only a type here: engine/http.py is the one module that calls httpx.
    import httpcore

__all__ = ["Services", "WaiterCount", "key_source", "load_cipher", "open_services", "webhook_policy"]


@dataclass
class WaiterCount:
    """How many waits for a link this process serves now (``linkvault.engine.agent_auth.wait``)."""

    count: int = 0


@dataclass(frozen=True)
class Services:
    """What one process shares between requests: ``db_engine`` is SQLAlchemy's connection pool,
    ``sessions`` opens sessions on it, ``cipher`` encrypts secrets at rest and ``http`` is the one
    outbound client (its pool is kept across provider calls). ``clock`` is the time every expiry is
    judged by (an aware UTC datetime); tests inject their own instead of sleeping through a TTL.
    ``webhook_http`` is the client webhooks are delivered with (its own address policy,
    ``LINKVAULT_WEBHOOKS_ALLOW_PRIVATE``, and timeout), and ``resolver`` the DNS both clients resolve
    through, which also judges a webhook URL when it is created. ``observer`` hears what the engine
    does (links, token endpoint calls): the metrics, when enabled. ``key_sets`` keeps providers' JWKS."""

    settings: Settings
    db_engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cipher: Cipher
    http: OutboundClient
    webhook_http: OutboundClient
    resolver: Resolver = field(default=system_resolver)
    clock: Callable[[], datetime] = field(default=utc_now)
    observer: Observer = field(default=NULL_OBSERVER)
    # The refreshes this process has in flight, by (account, sequence it started from, forced), so
    # that concurrent callers in one process share one task (linkvault.engine.refresh).
    refreshes: dict[tuple[uuid.UUID, int, bool], asyncio.Future[Any]] = field(default_factory=dict)
    # Counted, not queued: beyond LINKVAULT_AUTH_MAX_WAITERS a wait is refused at once.
    auth_waiters: WaiterCount = field(default_factory=WaiterCount)
    # Providers' JWKS, kept a few minutes (public keys: nothing secret in memory).
    key_sets: KeySetCache = field(default_factory=KeySetCache)

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.webhook_http.aclose()
        await dispose(self.db_engine)


def _key_file(database_file: Path) -> Path:
    return database_file.with_name(database_file.name + ".key")


def key_source(settings: Settings) -> str:
    """Where the encryption keys come from, for messages: the setting, or the embedded database's
    key file."""
    database_file = sqlite_path(settings.database_url)
    if settings.encryption_keys is not None or database_file is None:
        return "LINKVAULT_ENCRYPTION_KEYS"
    return f"the key file {_key_file(database_file)}"


def load_cipher(settings: Settings) -> Cipher:
    """The configured keys; on an SQLite database, a key kept beside the database file (made with the
    database; a database that exists without it is refused). Raises ConfigurationError."""
    if settings.encryption_keys is not None:
        return Cipher.from_setting(settings.encryption_keys.get_secret_value())
    database_file = sqlite_path(settings.database_url)
    if database_file is None:
        raise ConfigurationError(
            "LINKVAULT_ENCRYPTION_KEYS is required unless the database is an SQLite file "
            "(generate a key with `linkvault keys generate`)"
        )
    key_file = _key_file(database_file)
    if not key_file.exists() and database_file.exists() and database_file.stat().st_size > 0:
        # A database restored without its key, or made with LINKVAULT_ENCRYPTION_KEYS: a new key
        # would encrypt new secrets with another key than the stored ones, and nothing could read both.
        raise ConfigurationError(
            f"the database {database_file} exists without its key file {key_file.name}: restore that "
            "file, or set LINKVAULT_ENCRYPTION_KEYS to the key its secrets were encrypted with"
        )
    try:
        return Cipher([load_key_file(key_file)])
    except ConfigurationError as exc:
        raise ConfigurationError(f"the key file {key_file}: {exc.message}") from exc


def open_services(
    settings: Settings,
    *,
    resolver: Resolver = system_resolver,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
    observer: Observer = NULL_OBSERVER,
) -> Services:
    """Open the database pool, the cipher and the outbound HTTP client; close them with ``aclose``.
    ``observer`` hears the engine's events (``linkvault.engine.observer``).

    ``resolver`` and ``network_backend`` are for tests that must see what outbound calls would do
    without letting a packet leave. Raises ConfigurationError when no usable encryption key is
    configured."""
    cipher = load_cipher(settings)
    db_engine = create_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    return Services(
        settings=settings,
        db_engine=db_engine,
        sessions=create_sessionmaker(db_engine),
        cipher=cipher,
        http=new_client(
            timeout_seconds=settings.http_timeout_seconds,
            policy=EgressPolicy(
                allow_private=settings.providers_allow_private,
                allow_loopback=settings.providers_allow_private,
            ),
            resolver=resolver,
            network_backend=network_backend,
        ),
        webhook_http=new_client(
            timeout_seconds=settings.webhooks_timeout_seconds,
            policy=webhook_policy(settings),
            resolver=resolver,
            network_backend=network_backend,
        ),
        resolver=resolver,
        observer=observer,
    )


def webhook_policy(settings: Settings) -> EgressPolicy:
    """Where webhooks may go: public addresses; private and loopback ones (names resolving to them
    included) only with LINKVAULT_WEBHOOKS_ALLOW_PRIVATE. Any tenant sets its endpoints' URLs, so a
    loopback address is refused by default too: it would let a tenant make the server post to any
    port of its own host (blind SSRF; OWASP SSRF Prevention Cheat Sheet)."""
    return EgressPolicy(
        allow_private=settings.webhooks_allow_private, allow_loopback=settings.webhooks_allow_private
    )
