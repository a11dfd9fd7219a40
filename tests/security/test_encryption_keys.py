"""Encryption keys: rotation without downtime, wrong keys failing closed, and no start without a key."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from linkvault.engine.services import open_services
from linkvault.errors import DecryptionError
from linkvault.settings import Settings
from linkvault.store.crypto import Cipher
from linkvault.store.encrypted_columns import ENCRYPTED_COLUMNS
from linkvault.store.migrate import upgrade
from linkvault.store.models import AppConfiguration, Project
from linkvault.store.types import utc_now
from support.cli import run_linkvault
from support.databases import fresh_database
from support.flows import consent, start_link
from support.oidc import OidcProvider
from support.projects import create_project
from support.server import RunningServer, ServerFactory, linkvault_env

KEY_A, KEY_B, KEY_C = (Fernet.generate_key().decode() for _ in range(3))


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[str]:
    """A database of this test's own, so its keys never meet the shared server's."""
    with fresh_database(os.environ.get("LINKVAULT_TEST_DATABASE_URL"), tmp_path) as url:
        asyncio.run(_migrate(Settings(database_url=url, encryption_keys=KEY_A)))
        yield url


async def _migrate(settings: Settings) -> None:
    services = open_services(settings)
    try:
        await upgrade(services.db_engine)
    finally:
        await services.aclose()


def _stored_secrets(database_url: str) -> list[str]:
    async def read() -> list[str]:
        services = open_services(Settings(database_url=database_url, encryption_keys=KEY_A))
        values: list[str] = []
        try:
            async with services.sessions() as session:
                for model, columns in ENCRYPTED_COLUMNS:
                    for name in columns:
                        result = await session.execute(select(getattr(model, name)))
                        values += [value for value in result.scalars() if value]
        finally:
            await services.aclose()
        return values

    return asyncio.run(read())


def _cli(*args: str, database_url: str, keys: str) -> subprocess.CompletedProcess[str]:
    return run_linkvault(*args, env=linkvault_env(database_url=database_url, encryption_keys=keys))


class _Linker:
    """Links accounts through a given server: app configuration, consent, callback."""

    def __init__(self, provider: OidcProvider, database_url: str) -> None:
        self.provider = provider
        self.database_url = database_url
        self.project = create_project(Settings(database_url=database_url, encryption_keys=KEY_A))
        self.callback = "http://127.0.0.1:9/frontend/callback"
        self.client = provider.register_client(redirect_uris=[self.callback])

    def configure(self, server: RunningServer) -> None:
        response = httpx.post(
            f"{server.base_url}/v1/app-configurations",
            json={
                "app_name": "rotating",
                "issuer": self.provider.issuer,
                "client_id": self.client.client_id,
                "client_secret": self.client.client_secret,
                "redirect_uri": self.callback,
                "scopes": ["openid"],
            },
            headers=self.project.headers,
        )
        assert response.status_code == 201, response.text

    def first_link(self, servers: ServerFactory, owner: str) -> httpx.Response:
        """Configure the app and link ``owner`` on a server of the first key, stopped afterwards."""
        server = servers.start("a", database_url=self.database_url, encryption_keys=KEY_A)
        try:
            self.configure(server)
            return self.link(server, owner)
        finally:
            server.stop()

    def link(self, server: RunningServer, owner: str) -> httpx.Response:
        app = SimpleNamespace(
            app_name="rotating", project=self.project, provider=self.provider, redirect_uri=self.callback
        )
        with httpx.Client(base_url=server.base_url, timeout=30) as api:
            redirect = consent(app, start_link(api, app, owner=owner))
            return api.post(
                f"/connections/{self.project.id}/oauth2",
                json={"queryParameters": redirect},
                headers=self.project.headers,
            )


def test_keys_rotate_without_downtime(
    own_database: str, oidc_provider: OidcProvider, server_factory: ServerFactory
):
    linker = _Linker(oidc_provider, own_database)
    response = linker.first_link(server_factory, "before-rotation")
    assert response.status_code == 200, response.text
    before = _stored_secrets(own_database)
    assert before and all(Cipher([KEY_A]).decrypt(value) for value in before)

    # Step 1: servers learn the new key first in line; they write under it and still read the old.
    both = server_factory.start("ba", database_url=own_database, encryption_keys=f"{KEY_B},{KEY_A}")
    try:
        assert linker.link(both, "during-rotation").status_code == 200
        # Step 2: rotate while that server keeps serving.
        rotated = _cli("keys", "rotate", database_url=own_database, keys=f"{KEY_B},{KEY_A}")
        assert rotated.returncode == 0, rotated.stderr
        assert "linked_accounts: 2 rows re-encrypted" in rotated.stdout
        assert linker.link(both, "after-rotation").status_code == 200
    finally:
        both.stop()

    # Step 3: the old key is dropped; everything opens with the new key alone.
    after = _stored_secrets(own_database)
    only_new = Cipher([KEY_B])
    assert len(after) > len(before)
    assert all(only_new.decrypt(value) for value in after)
    with pytest.raises(DecryptionError):
        Cipher([KEY_A]).decrypt(after[0])
    new_only = server_factory.start("b", database_url=own_database, encryption_keys=KEY_B)
    try:
        # The stored client secret opens with the new key: the token request authenticates.
        assert linker.link(new_only, "with-new-key-only").status_code == 200
    finally:
        new_only.stop()


def test_a_wrong_key_fails_closed_and_changes_nothing(
    own_database: str, oidc_provider: OidcProvider, server_factory: ServerFactory
):
    linker = _Linker(oidc_provider, own_database)
    assert linker.first_link(server_factory, "owner").status_code == 200
    before = _stored_secrets(own_database)

    rotate = _cli("keys", "rotate", database_url=own_database, keys=KEY_C)
    serve = _cli("serve", "--port", "1", database_url=own_database, keys=KEY_C)

    assert rotate.returncode == 1
    assert "LINKVAULT_ENCRYPTION_KEYS cannot decrypt the stored secrets: was a key removed" in rotate.stderr
    assert serve.returncode == 1
    assert "LINKVAULT_ENCRYPTION_KEYS cannot decrypt the stored secrets" in serve.stderr
    assert _stored_secrets(own_database) == before


def test_an_invalid_key_is_a_clear_error(own_database: str):
    result = _cli("serve", "--port", "1", database_url=own_database, keys="not-a-fernet-key")

    assert result.returncode == 1
    assert "not a valid Fernet key" in result.stderr
    assert "not-a-fernet-key" not in result.stderr


def test_a_server_database_needs_a_key(tmp_path: Path):
    env = linkvault_env(
        database_url="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", encryption_keys=""
    )
    del env["LINKVAULT_ENCRYPTION_KEYS"]

    result = run_linkvault("serve", "--port", "1", env=env, cwd=tmp_path, timeout=60)

    assert result.returncode == 1
    assert "LINKVAULT_ENCRYPTION_KEYS is required" in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_stale_key_file_is_named_as_the_key_that_fails(tmp_path: Path):
    """After a rotation on the embedded default with LINKVAULT_ENCRYPTION_KEYS, a command run without
    the variable falls back to the key file beside the database, which holds the old key: the error
    names that file, not a variable that is not set (a trial was sent looking for it)."""
    database = tmp_path / "linkvault.db"

    async def store_a_secret_under_another_key() -> None:
        services = open_services(Settings(database_url=f"sqlite+aiosqlite:///{database}"))
        try:
            await upgrade(services.db_engine)
            async with services.sessions.begin() as session:
                project = Project(name="p", created_at=utc_now())
                session.add(project)
                await session.flush()
                session.add(
                    AppConfiguration(
                        project_id=project.id, app_name="a", client_id="c", authorize_url="https://a.example/a",
                        token_url="https://a.example/t", token_endpoint_auth_method="client_secret_basic",
                        client_secret_encrypted=Cipher([KEY_C]).encrypt("rotated away from the file's key"),
                    )
                )  # fmt: skip
        finally:
            await services.aclose()

    asyncio.run(store_a_secret_under_another_key())
    env = linkvault_env(database_url=f"sqlite+aiosqlite:///{database}", encryption_keys="")
    del env["LINKVAULT_ENCRYPTION_KEYS"]

    for args in (("serve", "--port", "1"), ("keys", "rotate")):
        result = run_linkvault(*args, env=env, cwd=tmp_path, timeout=60)

        assert result.returncode == 1
        assert f"linkvault: the key file {database}.key cannot decrypt the stored secrets" in result.stderr
        assert (
            "after a rotation, set LINKVAULT_ENCRYPTION_KEYS or write the new key into that file"
            in result.stderr
        )
    (tmp_path / "linkvault.db.key").write_text("not a key\n")
    garbage = run_linkvault("config", "check", env=env, cwd=tmp_path, timeout=60)
    assert garbage.returncode == 1
    assert f"the key file {database}.key: an encryption key is not a valid Fernet key" in garbage.stderr
