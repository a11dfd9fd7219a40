"""No secret turns up where it should not: in an answer, in a debug-level server log, or in clear in
the database.

One run for the whole module links an account through each of the four callback faces on a server of
its own, started with ``--log-level debug``, then provokes the callback errors a user, a provider or
an attacker can cause. Every value that must stay secret is collected on the way: authorization
codes, states, PKCE verifiers (as the provider received them), the tokens (decrypted from the
database, and as quiva.ai's face answers them), client secrets and their Basic credentials, the API
key, and provider texts that must never be reflected.
"""

from __future__ import annotations

import secrets as random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from sqlmodel import col, select

from linkvault.settings import Settings
from linkvault.store.models import AppConfiguration, LinkedAccount, LinkState
from support.flows import FRONTEND_CALLBACK, query_of
from support.oidc import OidcProvider, RegisteredClient
from support.projects import Project, create_project
from support.secrets_scan import (
    basic_credentials,
    database_bytes,
    decrypt,
    exchange_text,
    leaked,
    select_all,
    sha256_hex,
)
from support.server import RunningServer, ServerFactory

FACES = ("aci", "langsmith", "peaka", "quiva")
ACI_CALLBACK = "/v1/linked-accounts/oauth2/callback"
QUIVA_CALLBACK = "/hub/integrations/oauth-callback"
# Every status the callback faces answered in this run; each must carry the callback headers.
CALLBACK_STATUSES = {200, 400, 401, 404, 413, 415, 422, 502}


@dataclass(frozen=True)
class Exchange:
    """An answer the test received, and the secrets it may rightly carry."""

    label: str
    response: httpx.Response
    may_carry: frozenset[str]
    callback: bool


@dataclass(frozen=True)
class App:
    """An app configuration of the run, and its client at the test provider."""

    name: str
    client: RegisteredClient


@dataclass
class Run:
    """What the module's run did and saw."""

    server: RunningServer
    project: Project
    provider: OidcProvider
    http: httpx.Client
    secrets: dict[str, str] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)
    apps: dict[str, App] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)  # face -> linked account id
    owners: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    verifiers: list[str] = field(default_factory=list)
    quiva_answer: dict[str, Any] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # face -> the provider's redirect

    def record(
        self,
        label: str,
        response: httpx.Response,
        status: int,
        *,
        may_carry: set[str] | None = None,
        callback: bool = False,
    ) -> httpx.Response:
        assert response.status_code == status, (label, response.status_code, response.text)
        self.exchanges.append(Exchange(label, response, frozenset(may_carry or ()), callback))
        return response

    def add_secret(self, name: str, value: str) -> None:
        assert value not in self.secrets.values(), f"{name} repeats another secret"
        self.secrets[name] = value

    def start(self, face: str, owner: str) -> str:
        """Start a link and return the provider's authorization URL; its state is a secret."""
        response = self.http.get(
            "/v1/linked-accounts/oauth2",
            params={"app_name": self.apps[face].name, "linked_account_owner_id": owner},
            headers=self.project.headers,
        )
        name = f"{face} state for {owner}"
        self.record(f"{face}: start for {owner}", response, 200, may_carry={name})
        url = str(response.json()["url"])
        state = query_of(url)["state"]
        self.add_secret(name, state)
        self.states.append(state)
        self.owners.append(owner)
        return url

    def remember_verifier(self, face: str, name: str) -> None:
        verifier = self.provider.last_token_request(self.apps[face].client.client_id)["form"]["code_verifier"]
        self.add_secret(name, verifier)
        self.verifiers.append(verifier)

    def finish(self, face: str, redirect: str) -> httpx.Response:
        """Finish a link through one face, as that face's caller would."""
        query = query_of(redirect)
        if face == "aci":
            parts = urlsplit(redirect)
            return self.http.get(f"{parts.path}?{parts.query}")
        if face == "langsmith":
            return self.http.post(
                f"/v2/auth/callback/{self.apps[face].name}",
                json={"code": query["code"], "state": query["state"], "iss": query["iss"]},
                headers={"Authorization": f"Bearer {self.project.api_key}", "X-Tenant-Id": self.project.id},
            )
        if face == "peaka":
            return self.http.post(
                f"/connections/{self.project.id}/oauth2",
                json={"queryParameters": redirect},
                headers=self.project.headers,
            )
        return self.http.get(QUIVA_CALLBACK, params=query, headers=self.project.headers)


def _create_apps(run: Run) -> None:
    for face in FACES:
        # The ACI face is the provider's direct redirect target: the server's own default redirect URI.
        redirect_uri = f"{run.server.base_url}{ACI_CALLBACK}" if face == "aci" else FRONTEND_CALLBACK
        client = run.provider.register_client(redirect_uris=[redirect_uri])
        run.apps[face] = App(name=f"leak-{face}", client=client)
        run.add_secret(f"{face} client secret", client.client_secret)
        run.add_secret(
            f"{face} client credentials", basic_credentials(client.client_id, client.client_secret)
        )
        body: dict[str, Any] = {
            "app_name": f"leak-{face}",
            "issuer": run.provider.issuer,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "scopes": ["openid", "offline_access", "profile"],
            "authorize_params": {"prompt": "consent"},
        }
        if face != "aci":
            body["redirect_uri"] = FRONTEND_CALLBACK
        headers = run.project.headers
        run.record(
            f"{face}: create app", run.http.post("/v1/app-configurations", json=body, headers=headers), 201
        )
        update = {"client_secret": client.client_secret, "scopes": body["scopes"]}
        path = f"/v1/app-configurations/{body['app_name']}"
        run.record(f"{face}: update app", run.http.patch(path, json=update, headers=headers), 200)


def _link_through_every_face(run: Run) -> None:
    for face in FACES:
        owner = f"leak-{face}-{random.token_hex(6)}"
        redirect = run.provider.authorize(run.start(face, owner))
        run.redirects[face] = redirect
        run.add_secret(f"{face} code", query_of(redirect)["code"])
        tokens = {f"{face} access token", f"{face} refresh token"} if face == "quiva" else set()
        finished = run.record(
            f"{face}: callback", run.finish(face, redirect), 200, may_carry=tokens, callback=True
        )
        run.remember_verifier(face, f"{face} PKCE verifier")
        replay = run.record(f"{face}: replayed callback", run.finish(face, redirect), 400, callback=True)
        assert "invalid_state" in replay.text
        if face == "quiva":
            run.quiva_answer = finished.json()
        else:
            run.accounts[face] = finished.json()["id"]
    listed = run.http.get(
        "/v1/linked-accounts", params={"app_name": run.apps["quiva"].name}, headers=run.project.headers
    )
    run.accounts["quiva"] = listed.json()[0]["id"]


def _provoke_errors(run: Run) -> None:
    """The callback errors anyone can cause; none may echo what it was sent or what the provider said."""
    aci = run.apps["aci"]

    # A forged code with a genuine state: the provider refuses the code (invalid_grant).
    redirect = run.provider.authorize(run.start("aci", "leak-forged"))
    query = query_of(redirect)
    run.add_secret("unused code", query["code"])
    run.add_secret("forged code", "forged-" + random.token_urlsafe(24))
    forged = run.http.get(ACI_CALLBACK, params={**query, "code": run.secrets["forged code"]})
    run.record("aci: forged code", forged, 400, callback=True)
    assert forged.json()["code"] == "invalid_grant"
    run.remember_verifier("aci", "PKCE verifier of the forged code")

    # The token endpoint fails with a page of its own, which must not be shown or logged.
    redirect = run.provider.authorize(run.start("aci", "leak-provider-down"))
    run.add_secret("code sent to a failing provider", query_of(redirect)["code"])
    run.add_secret("provider error page", "provider-page-" + random.token_urlsafe(24))
    page = f"<html><body>{run.secrets['provider error page']}</body></html>"
    run.provider.set_knobs(aci.client.client_id, fail_status=500, fail_body=page)
    try:
        failed = run.finish("aci", redirect)
    finally:
        run.provider.reset_knobs(aci.client.client_id)
    run.record("aci: provider failure", failed, 502, callback=True)
    run.remember_verifier("aci", "PKCE verifier sent to a failing provider")

    # The user refuses; the provider's error_description is never reflected (nor logged).
    denial = query_of(run.provider.authorize(run.start("aci", "leak-denied"), consent=False))
    run.add_secret("provider error description", "denial-text-" + random.token_urlsafe(24))
    denied = run.http.get(
        f"{ACI_CALLBACK}?{urlencode({**denial, 'error_description': run.secrets['provider error description']})}"
    )
    run.record("aci: denied consent", denied, 400, callback=True)
    assert denied.json()["code"] == "access_denied"

    # Used secrets sent where they are refused: without a key, with a wrong one, of the wrong type,
    # to another project, in the wrong media type, too large.
    used = query_of(run.redirects["quiva"])
    code, state = used["code"], used["state"]
    query_string = urlencode({"code": code, "state": state})
    wrong_key = {"X-API-KEY": "lvk_" + random.token_urlsafe(32)}
    langsmith = f"/v2/auth/callback/{run.apps['langsmith'].name}"
    peaka = f"/connections/{run.project.id}/oauth2"
    headers = run.project.headers
    for label, response, status in [
        ("quiva: no key", run.http.get(f"{QUIVA_CALLBACK}?{query_string}"), 401),
        (
            "langsmith: wrong key",
            run.http.post(langsmith, json={"code": code, "state": state}, headers=wrong_key),
            401,
        ),
        (
            "peaka: wrong key",
            run.http.post(peaka, json={"queryParameters": query_string}, headers=wrong_key),
            401,
        ),
        (
            "langsmith: wrong type",
            run.http.post(langsmith, json={"code": code, "state": 5}, headers=headers),
            422,
        ),
        (
            "peaka: unknown project",
            run.http.post(
                f"/connections/{uuid.uuid4()}/oauth2", json={"queryParameters": query_string}, headers=headers
            ),
            404,
        ),
        (
            "peaka: text body",
            run.http.post(peaka, content=query_string, headers={**headers, "Content-Type": "text/plain"}),
            415,
        ),
        (
            "langsmith: too large",
            run.http.post(
                langsmith,
                content=b'{"code": "' + code.encode() * 30_000 + b'", "state": "' + state.encode() + b'"}',
                headers={**headers, "Content-Type": "application/json"},
            ),
            413,
        ),
    ]:
        run.record(label, response, status, callback=True)


def _read_everything(run: Run) -> None:
    headers = run.project.headers
    run.record("list linked accounts", run.http.get("/v1/linked-accounts", headers=headers), 200)
    for face, account_id in run.accounts.items():
        run.record(
            f"{face}: get account", run.http.get(f"/v1/linked-accounts/{account_id}", headers=headers), 200
        )
    run.record("list apps", run.http.get("/v1/app-configurations", headers=headers), 200)
    for face, app in run.apps.items():
        run.record(
            f"{face}: get app", run.http.get(f"/v1/app-configurations/{app.name}", headers=headers), 200
        )


def _learn_tokens(run: Run, settings: Settings, encryption_key: str) -> None:
    """The tokens of every linked account, decrypted from the database with the test's key."""
    faces = {uuid.UUID(account_id): face for face, account_id in run.accounts.items()}
    for (account,) in select_all(settings, select(LinkedAccount).where(col(LinkedAccount.id).in_(faces))):
        face = faces[account.id]
        run.add_secret(f"{face} access token", decrypt(encryption_key, account.access_token_encrypted))
        run.add_secret(f"{face} refresh token", decrypt(encryption_key, account.refresh_token_encrypted))


@pytest.fixture(scope="module")
def run(
    migrated: Settings, encryption_key: str, oidc_provider: OidcProvider, session_servers: ServerFactory
) -> Iterator[Run]:
    server = session_servers.start("leakage", log_level="debug")
    try:
        project = create_project(migrated, name="leakage")
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            run = Run(server=server, project=project, provider=oidc_provider, http=http)
            run.add_secret("API key", project.api_key)
            _create_apps(run)
            _link_through_every_face(run)
            _provoke_errors(run)
            _read_everything(run)
        _learn_tokens(run, migrated, encryption_key)
        yield run
    finally:
        server.stop()


def test_every_face_linked_and_quiva_answered_exactly_the_stored_tokens(run: Run):
    assert sorted(run.accounts) == sorted(FACES)
    assert run.quiva_answer["access_token"] == run.secrets["quiva access token"]
    assert run.quiva_answer["refresh_token"] == run.secrets["quiva refresh token"]
    for face in FACES:
        assert run.secrets[f"{face} access token"] and run.secrets[f"{face} refresh token"]


def test_no_answer_carries_a_secret_it_should_not(run: Run):
    shown = {
        exchange.label: leaked(
            exchange_text(exchange.response),
            {name: value for name, value in run.secrets.items() if name not in exchange.may_carry},
        )
        for exchange in run.exchanges
    }

    assert {label: names for label, names in shown.items() if names} == {}
    # The search finds what is there: start answers carry their state, quiva.ai's answer its tokens.
    for exchange in run.exchanges:
        allowed = {name: run.secrets[name] for name in exchange.may_carry}
        assert leaked(exchange_text(exchange.response), allowed) == sorted(allowed), exchange.label


def test_callback_answers_are_never_cached_and_send_no_referrer(run: Run):
    callbacks = [exchange for exchange in run.exchanges if exchange.callback]
    assert {exchange.response.status_code for exchange in callbacks} == CALLBACK_STATUSES

    for exchange in callbacks:
        assert exchange.response.headers.get("referrer-policy") == "no-referrer", exchange.label
        assert exchange.response.headers.get("cache-control") == "no-store", exchange.label
    quiva = next(exchange for exchange in callbacks if exchange.label == "quiva: callback")
    assert "access_token" in quiva.response.json()
    assert quiva.response.headers["cache-control"] == "no-store"


def test_the_debug_log_shows_no_secret(run: Run):
    log = run.server.log_text()

    assert "DEBUG httpcore" in log and "DEBUG connexion" in log  # the log really is at debug level
    assert f"GET {ACI_CALLBACK}?code=[redacted]&state=[redacted]&iss=" in log
    assert f"GET {QUIVA_CALLBACK}?code=[redacted]&state=[redacted]&iss=" in log
    assert "error_description=[redacted]" in log
    assert leaked(log, run.secrets) == []


def test_the_database_holds_secrets_only_encrypted_or_hashed(
    run: Run, migrated: Settings, encryption_key: str
):
    raw = database_bytes(migrated.database_url)

    assert leaked(raw, run.secrets) == []
    # What the database does hold: the rows themselves, states and the key as SHA-256 hashes, and
    # ciphertexts that open, with the configured key, to the verifiers and client secrets.
    for owner in run.owners:
        assert owner.encode() in raw
    for value in [*run.states, run.project.api_key]:
        assert sha256_hex(value).encode() in raw
    project_id = uuid.UUID(run.project.id)
    stored_verifiers = {
        decrypt(encryption_key, link.code_verifier_encrypted)
        for (link,) in select_all(migrated, select(LinkState).where(col(LinkState.project_id) == project_id))
    }
    assert set(run.verifiers) <= stored_verifiers
    stored_secrets = {
        app.app_name: decrypt(encryption_key, app.client_secret_encrypted)
        for (app,) in select_all(
            migrated, select(AppConfiguration).where(col(AppConfiguration.project_id) == project_id)
        )
    }
    assert stored_secrets == {app.name: app.client.client_secret for app in run.apps.values()}
