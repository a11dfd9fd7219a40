"""The credentials read, which applications call before every call to a provider, reads the database once:
the API key's lookup and the account's credential columns are one statement (on PostgreSQL, one
connection checkout and one round trip). What it answers must be what the two reads answered."""

from __future__ import annotations

import hashlib
import logging
import uuid

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import update
from sqlmodel import col

from linkvault.engine import api_keys, projects, refresh
from linkvault.engine.services import Services
from linkvault.settings import Settings
from linkvault.store import linked_accounts as account_store
from linkvault.store.crypto import Cipher
from linkvault.store.database import connect
from linkvault.store.models import AppConfiguration, LinkedAccount
from support.inprocess import InProcess
from support.projects import Project, create_project

pytestmark = pytest.mark.anyio


def _link_api_key_account(http: httpx.Client, project: Project, secret: str) -> str:
    app_name = f"key-app-{uuid.uuid4().hex[:8]}"
    made = http.post(
        "/v1/app-configurations",
        json={"app_name": app_name, "security_scheme": "api_key"},
        headers=project.headers,
    )
    assert made.status_code == 201, made.text
    linked = http.post(
        "/v1/linked-accounts/api-key",
        json={"app_name": app_name, "linked_account_owner_id": "owner", "api_key": secret},
        headers=project.headers,
    )
    assert linked.status_code == 200, linked.text
    account_id: str = linked.json()["id"]
    return account_id


async def _read(
    services: Services, api_key: str, linked_account_id: uuid.UUID
) -> tuple[uuid.UUID, account_store.AccountCredentials | None] | None:
    async with connect(services.db_engine) as connection:
        return await account_store.read_account_credentials_for_key(
            connection,
            key_hash=hashlib.sha256(api_key.encode()).hexdigest(),
            linked_account_id=linked_account_id,
            dialect_name=services.db_engine.dialect.name,
        )


async def test_the_key_and_account_statement_answers_what_the_two_reads_did(services: Services) -> None:
    own = await projects.create_project(services, name="own")
    other = await projects.create_project(services, name="other")
    async with services.sessions.begin() as session:
        app = AppConfiguration(
            project_id=other.project_id,
            app_name="theirs",
            client_id="client",
            authorize_url="http://127.0.0.1:9/authorize",
            token_url="http://127.0.0.1:9/token",
            token_endpoint_auth_method="client_secret_post",
        )
        session.add(app)
        await session.flush()
        theirs = LinkedAccount(
            project_id=other.project_id,
            app_configuration_id=app.id,
            app_name="theirs",
            linked_account_owner_id="owner",
            access_token_encrypted=services.cipher.encrypt("at"),
            token_type="Bearer",
        )
        session.add(theirs)
        await session.flush()

    # The owner's key reads the account.
    read = await _read(services, other.api_key, theirs.id)
    assert read is not None
    project_id, account = read
    assert project_id == other.project_id
    assert account is not None
    assert (account.id, account.sequence, services.cipher.decrypt(account.access_token_encrypted)) == (
        theirs.id,
        0,
        "at",
    )
    # Another project's key names its own project and reads nothing of this one (a 404, not a 401).
    assert await _read(services, own.api_key, theirs.id) == (own.project_id, None)
    assert await _read(services, own.api_key, uuid.uuid4()) == (own.project_id, None)
    # An unknown key, or a revoked one, is no key at all (a 401).
    assert await _read(services, "lvk_" + "x" * 43, theirs.id) is None
    keys = await api_keys.list_api_keys(services, project_id=other.project_id)
    await api_keys.revoke_api_key(services, key_id=keys[0].key_id)
    assert await _read(services, other.api_key, theirs.id) is None


def test_a_credentials_read_reads_the_account_with_the_key(
    linkvault: InProcess, migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = create_project(migrated, name="one-read")
    account_id = _link_api_key_account(linkvault.http, project, "sk-one-read")

    async def second_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the account was read a second time")

    # The handler's own read, which a read done with the key makes unneeded.
    monkeypatch.setattr(refresh, "_read_credentials", second_read)
    bearer = {"Authorization": f"Bearer {project.api_key}"}
    for headers in (project.headers, bearer):
        answered = linkvault.http.get(f"/v1/linked-accounts/{account_id}/credentials", headers=headers)
        assert answered.status_code == 200, answered.text
        assert answered.json() == {"security_scheme": "api_key", "api_key": "sk-one-read"}


def test_a_credentials_read_answers_as_before_at_its_edges(linkvault: InProcess, migrated: Settings) -> None:
    project = create_project(migrated, name="edges")
    other = create_project(migrated, name="edges-other")
    account_id = _link_api_key_account(linkvault.http, project, "sk-edges")
    path = f"/v1/linked-accounts/{account_id}/credentials"

    assert linkvault.http.get(path, headers=other.headers).status_code == 404
    assert linkvault.http.get(path, headers={"X-API-KEY": "lvk_unknown"}).status_code == 401
    # An id that is not a UUID is not looked up with the key, and is refused (400) for a good key.
    assert (
        linkvault.http.get("/v1/linked-accounts/not-a-uuid/credentials", headers=project.headers).status_code
        == 400
    )
    assert (
        linkvault.http.patch(
            f"/v1/linked-accounts/{account_id}", json={"enabled": False}, headers=project.headers
        )
    ).status_code == 200
    disabled = linkvault.http.get(path, headers=project.headers)
    assert disabled.status_code == 409, disabled.text


def test_a_secret_the_keys_cannot_open_is_one_error_line_with_its_code(
    linkvault: InProcess, migrated: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A key missing from LINKVAULT_ENCRYPTION_KEYS is the operator's to fix, not a bug: the answer is
    500 ``decryption_failed``, and the log has one ERROR line saying what to do, with no traceback
    (docs/operations.md keeps tracebacks for bugs)."""
    project = create_project(migrated, name="foreign-key")
    account_id = _link_api_key_account(linkvault.http, project, "sk-foreign")
    foreign = Cipher([Fernet.generate_key().decode()]).encrypt('{"api_key": "sk-foreign"}')

    async def encrypt_under_another_key() -> None:
        async with linkvault.services.sessions.begin() as session:
            await session.execute(
                update(LinkedAccount)
                .where(col(LinkedAccount.id) == uuid.UUID(account_id))
                .values(access_token_encrypted=foreign)
            )

    linkvault.portal.call(encrypt_under_another_key)
    with caplog.at_level(logging.ERROR):
        answered = linkvault.http.get(
            f"/v1/linked-accounts/{account_id}/credentials", headers=project.headers
        )

    assert answered.status_code == 500, answered.text
    assert answered.json()["code"] == "decryption_failed"
    (record,) = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert record.exc_info is None
    assert getattr(record, "code", None) == "decryption_failed"
    assert "LINKVAULT_ENCRYPTION_KEYS" in record.getMessage()
