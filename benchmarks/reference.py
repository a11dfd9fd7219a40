"""The plain reference: the credentials read written the obvious way, to measure linkvault against.

A minimal Starlette app that does the work of ``GET /v1/linked-accounts/{id}/credentials`` for an
account whose token is not due: hash the API key and look it up, read the account row of that
project, decrypt its access token, answer JSON. Straightforward SQLAlchemy ORM code on the same
database (its own two mapped classes over linkvault's tables), one session per request, no spec,
no validation, no middleware. It refreshes nothing; the benchmark only sends it accounts that are
not due.

Run by the benchmark as ``uvicorn benchmarks.reference:app`` (one worker, access log on, like
``linkvault serve``), configured by ``BENCH_DATABASE_URL`` and ``BENCH_ENCRYPTION_KEY``.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime

from cryptography.fernet import Fernet
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["app"]


class _Base(DeclarativeBase):
    pass


class ApiKey(_Base):
    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    project_id: Mapped[uuid.UUID]
    key_hash: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]


class LinkedAccount(_Base):
    __tablename__ = "linked_accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    project_id: Mapped[uuid.UUID]
    enabled: Mapped[bool]
    credential_status: Mapped[str]
    access_token_encrypted: Mapped[str]
    token_type: Mapped[str]
    scope: Mapped[str | None]
    expires_at: Mapped[datetime | None]
    sequence: Mapped[int]


_engine = create_async_engine(os.environ.get("BENCH_DATABASE_URL", "sqlite+aiosqlite:///reference.db"))
_sessions = async_sessionmaker(_engine, class_=AsyncSession, expire_on_commit=False)
_fernet = Fernet(os.environ.get("BENCH_ENCRYPTION_KEY", Fernet.generate_key().decode()).encode())


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"status": status, "detail": detail}, status_code=status)


async def credentials(request: Request) -> JSONResponse:
    api_key = request.headers.get("x-api-key", "")
    try:
        account_id = uuid.UUID(request.path_params["linked_account_id"])
    except ValueError:
        return _problem(404, "no such linked account")
    async with _sessions() as session:
        key = (
            await session.execute(
                select(ApiKey).where(
                    ApiKey.key_hash == hashlib.sha256(api_key.encode()).hexdigest(),
                    ApiKey.revoked_at.is_(None),
                )
            )
        ).scalar_one_or_none()
        if key is None:
            return _problem(401, "a valid API key is required")
        account = (
            await session.execute(
                select(LinkedAccount).where(
                    LinkedAccount.id == account_id, LinkedAccount.project_id == key.project_id
                )
            )
        ).scalar_one_or_none()
    if account is None:
        return _problem(404, "no such linked account")
    if not account.enabled or account.credential_status != "active":
        return _problem(409, "the linked account cannot be used")
    expires_at = account.expires_at
    if expires_at is not None and expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)  # SQLite keeps no time zone
    return JSONResponse(
        {
            "access_token": _fernet.decrypt(account.access_token_encrypted.encode()).decode(),
            "token_type": account.token_type,
            "expires_at": None if expires_at is None else expires_at.isoformat(),
            "scope": account.scope,
            "sequence": account.sequence,
        },
        headers={"Cache-Control": "no-store"},
    )


app = Starlette(routes=[Route("/v1/linked-accounts/{linked_account_id}/credentials", credentials)])
