"""The secrets of non-OAuth2 accounts (ACI.dev's API keys, HTTP Basic passwords, bearer tokens) are kept
like tokens: encrypted at rest, never in a listing, an account view or the server's log, and answered
only by the credentials operation, to the project that owns the account."""

from __future__ import annotations

import json
import secrets
import uuid

import httpx
from sqlmodel import col, select

from linkvault.settings import Settings
from linkvault.store.models import LinkedAccount
from support.projects import Project
from support.secrets_scan import database_bytes, decrypt, leaked, select_all
from support.server import RunningServer


def test_non_oauth_secrets_are_encrypted_at_rest_and_answered_only_by_credentials(
    api: httpx.Client,
    linkvault_server: RunningServer,
    migrated: Settings,
    encryption_key: str,
    project: Project,
    other_project: Project,
) -> None:
    values = {
        "api_key": secrets.token_urlsafe(24),
        "password": secrets.token_urlsafe(24),
        "token": secrets.token_urlsafe(24),
    }
    bodies = {
        "api_key": ("api-key", {"api_key": values["api_key"]}),
        "http_basic": ("http-basic", {"username": "alice", "password": values["password"]}),
        "http_bearer": ("http-bearer", {"token": values["token"]}),
    }
    answers: list[httpx.Response] = []
    ids = {}
    for scheme, (path, secret) in bodies.items():
        app_name = f"secret-{path}"
        made = api.post(
            "/v1/app-configurations",
            json={"app_name": app_name, "security_scheme": scheme},
            headers=project.headers,
        )
        assert made.status_code == 201, made.text
        linked = api.post(
            f"/v1/linked-accounts/{path}",
            json={"app_name": app_name, "linked_account_owner_id": "owner", **secret},
            headers=project.headers,
        )
        assert linked.status_code == 200, linked.text
        ids[scheme] = linked.json()["id"]
        answers += [linked, api.get(f"/v1/linked-accounts/{ids[scheme]}", headers=project.headers)]
    answers.append(api.get("/v1/linked-accounts", headers=project.headers))
    foreign = [
        api.get(f"/v1/linked-accounts/{i}/credentials", headers=other_project.headers) for i in ids.values()
    ]
    own = {
        scheme: api.get(f"/v1/linked-accounts/{i}/credentials", headers=project.headers)
        for scheme, i in ids.items()
    }

    for answer in answers + foreign:
        assert leaked(answer.text, values) == []
    assert [answer.status_code for answer in foreign] == [404, 404, 404]
    assert own["api_key"].json() == {"security_scheme": "api_key", "api_key": values["api_key"]}
    assert own["http_basic"].json()["password"] == values["password"]
    assert own["http_bearer"].json()["token"] == values["token"]
    assert all(answer.headers["cache-control"] == "no-store" for answer in own.values())
    assert leaked(database_bytes(migrated.database_url), values) == []
    assert leaked(linkvault_server.log_text(), values) == []
    stored = select_all(
        migrated, select(LinkedAccount).where(col(LinkedAccount.id).in_([uuid.UUID(i) for i in ids.values()]))
    )
    opened = {
        account.security_scheme: json.loads(decrypt(encryption_key, account.access_token_encrypted))
        for (account,) in stored
    }
    assert opened == {scheme: secret for scheme, (_path, secret) in bodies.items()}
