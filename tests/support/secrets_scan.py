"""Looking behind a running linkvault: where secret values turn up, and what its database holds.

The security tests collect the secret values a link handled (authorization code, state, PKCE verifier,
tokens, client secret, API key) and look for them in responses, server logs and the database's raw
bytes; they read rows back to prove that nothing was written behind a refused request.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import asyncpg
import httpx
from cryptography.fernet import Fernet
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from linkvault.engine.services import open_services
from linkvault.settings import Settings
from linkvault.store.models import ApiKey, AppConfiguration, LinkedAccount, LinkState
from support.databases import is_postgresql

__all__ = [
    "DatabaseReader",
    "basic_credentials",
    "database_bytes",
    "decrypt",
    "exchange_text",
    "leaked",
    "project_rows",
    "select_all",
    "sha256_hex",
]

# Shorter values could turn up by chance; every secret linkvault or the test provider makes is longer.
_MIN_SECRET_LENGTH = 16


def _spellings(value: str) -> set[str]:
    """How a value may be written down on its way: as is, percent-encoded or form-encoded."""
    return {value, quote(value, safe=""), quote_plus(value, safe="")}


def leaked(haystack: str | bytes, secrets: Mapping[str, str]) -> list[str]:
    """The names of the secrets found in ``haystack``, in any of their spellings."""
    data = haystack if isinstance(haystack, bytes) else haystack.encode("utf-8", errors="surrogatepass")
    found = []
    for name, value in secrets.items():
        assert len(value) >= _MIN_SECRET_LENGTH, f"{name} is too short to search for"
        if any(spelling.encode("utf-8") in data for spelling in _spellings(value)):
            found.append(name)
    return sorted(found)


def exchange_text(response: httpx.Response) -> str:
    """Everything a client receives: status, headers and body."""
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.multi_items())
    return f"{response.status_code}\n{headers}\n\n{response.text}"


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def basic_credentials(client_id: str, client_secret: str) -> str:
    """The ``Authorization: Basic`` credentials of a client (RFC 6749 §2.3.1)."""
    pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
    return base64.b64encode(pair.encode()).decode("ascii")


def decrypt(encryption_key: str, ciphertext: str) -> str:
    return Fernet(encryption_key.encode("ascii")).decrypt(ciphertext.encode("ascii")).decode("utf-8")


def database_bytes(database_url: str) -> bytes:
    """The database as raw as a test can read it: for SQLite its files' bytes (the write-ahead log
    first, so a checkpoint between the two reads cannot hide a row), for PostgreSQL every row of
    every table as text."""
    if is_postgresql(database_url):
        return asyncio.run(_postgresql_rows(database_url))
    database = make_url(database_url).database
    assert database, database_url
    path = Path(database)
    files = [path.with_name(path.name + suffix) for suffix in ("-wal", "-journal")] + [path]
    return b"".join(file.read_bytes() for file in files if file.exists())


async def _postgresql_rows(database_url: str) -> bytes:
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        tables = await connection.fetch(
            "SELECT schemaname, tablename FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        lines = []
        for table in tables:
            name = ".".join('"' + part.replace('"', '""') + '"' for part in (table[0], table[1]))
            rows = await connection.fetch(f"SELECT t::text FROM {name} t")  # noqa: S608 (catalog names)
            lines += [f"{name} {row[0]}" for row in rows]
    finally:
        await connection.close()
    return "\n".join(lines).encode("utf-8")


class DatabaseReader:
    """Reads rows with linkvault's own engine and models, on an event loop of its own, so that a test
    module can read many times over one connection pool. Use as a context manager."""

    def __init__(self, settings: Settings) -> None:
        self._loop = asyncio.new_event_loop()
        self._services = open_services(settings)

    def __enter__(self) -> DatabaseReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._loop.run_until_complete(self._services.aclose())
        self._loop.close()

    def select_all(self, statement: Any) -> list[Any]:
        async def run() -> list[Any]:
            async with self._services.sessions() as session:
                return list((await session.execute(statement)).all())

        return self._loop.run_until_complete(run())

    def project_rows(self, project_id: str) -> dict[str, int]:
        """How many rows of each project-owned table belong to the project, and how many of its
        states are still unused."""
        owner = uuid.UUID(project_id)
        counts = {}
        for model in (ApiKey, AppConfiguration, LinkState, LinkedAccount):
            query = select(func.count()).select_from(model).where(col(model.project_id) == owner)
            counts[str(model.__tablename__)] = self.select_all(query)[0][0]
        unused = (
            select(func.count())
            .select_from(LinkState)
            .where(col(LinkState.project_id) == owner, col(LinkState.consumed_at).is_(None))
        )
        counts["unused link_states"] = self.select_all(unused)[0][0]
        return counts


def select_all(settings: Settings, statement: Any) -> list[Any]:
    """The rows of a SQLAlchemy statement, read with linkvault's own engine and models."""
    with DatabaseReader(settings) as reader:
        return reader.select_all(statement)


def project_rows(settings: Settings, project_id: str) -> dict[str, int]:
    """``DatabaseReader.project_rows`` for a single read."""
    with DatabaseReader(settings) as reader:
        return reader.project_rows(project_id)
