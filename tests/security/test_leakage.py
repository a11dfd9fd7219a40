"""No secret turns up where it should not: in an answer, in a debug-level server log, or in clear in
the database.

One run per log format (``LINKVAULT_LOG_FORMAT`` text and json) goes through the whole life of a link
on a server of its own, started with ``--log-level debug``: the project is created with the
``linkvault`` command, an account is linked through each of the four callback faces, the callback
errors a user, a provider or an attacker can cause are provoked, then one account's credentials are
read, refreshed and read again, and the account is deleted (its grant revoked at the provider).
Every value that must stay secret is collected on the way: authorization codes, states, PKCE
verifiers (as the provider received them), the tokens (decrypted from the database, as quiva.ai's
face and the credentials read answer them, and as the provider issued them on refresh), client
secrets and their Basic credentials, the API key, the metrics bearer token, and provider texts that
must never be reflected. The run ends with a scrape of /metrics, which must have counted the flow.
"""

from __future__ import annotations

import json
import re
import secrets as random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import col, select

from linkvault.settings import Settings
from linkvault.store.models import AppConfiguration, LinkedAccount, LinkState
from support.cli import run_linkvault
from support.flows import FRONTEND_CALLBACK, query_of
from support.oidc import OidcProvider, RegisteredClient
from support.projects import Project
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
METRICS_TOKEN = "metrics-" + random.token_urlsafe(24)
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

    log_format: str
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
    command_output: str = ""  # what the linkvault command wrote on stderr
    metrics: str = ""  # the scrape at the end of the run

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


def _use_refresh_and_delete(run: Run) -> None:
    """The rest of an account's life: its credentials read, refreshed (the provider issues new
    tokens) and read again, then the account deleted, its grant revoked at the provider (RFC 7009)."""
    account = f"/v1/linked-accounts/{run.accounts['aci']}"
    headers = run.project.headers
    read = run.record(
        "aci: credentials", run.http.get(f"{account}/credentials", headers=headers), 200,
        may_carry={"aci access token"},
    )  # fmt: skip
    assert read.json()["access_token"] == run.secrets["aci access token"]
    refreshed = run.http.post(f"{account}/refresh", headers=headers)
    assert refreshed.status_code == 200, refreshed.text
    issued = run.provider.last_token_response(run.apps["aci"].client.client_id)
    run.add_secret("aci refreshed access token", issued["access_token"])
    if issued.get("refresh_token") not in (None, run.secrets["aci refresh token"]):
        run.add_secret("aci refreshed refresh token", issued["refresh_token"])
    run.record("aci: refresh", refreshed, 200, may_carry={"aci refreshed access token"})
    run.record(
        "aci: credentials after refresh", run.http.get(f"{account}/credentials", headers=headers), 200,
        may_carry={"aci refreshed access token"},
    )  # fmt: skip
    deleted = run.record("aci: delete", run.http.delete(account, headers=headers), 200)
    assert deleted.json()["revocation"] == "revoked"


def _create_project_with_the_command(server: RunningServer, name: str) -> tuple[Project, str]:
    """A project and its first key, from ``linkvault projects create``, with what it wrote on stderr."""
    created = run_linkvault("projects", "create", name, "--json", env=server.env)
    assert created.returncode == 0, created.stderr
    body = json.loads(created.stdout)
    return Project(id=body["id"], api_key=body["api_key"]), created.stderr


@pytest.fixture(scope="module", params=["text", "json"])
def run(
    request: pytest.FixtureRequest,
    migrated: Settings,
    encryption_key: str,
    oidc_provider: OidcProvider,
    session_servers: ServerFactory,
) -> Iterator[Run]:
    log_format = request.param
    server = session_servers.start(
        f"leakage-{log_format}",
        log_level="debug",
        extra_env={
            "LINKVAULT_LOG_FORMAT": log_format,
            "LINKVAULT_METRICS_BEARER_TOKEN": METRICS_TOKEN,
            # Each webhook pass holds a connection for a moment; one every second could be under
            # way as /metrics is scraped, and the scrape must see every connection back in the pool.
            "LINKVAULT_WEBHOOKS_POLL_INTERVAL_SECONDS": "3600",
        },
    )
    try:
        project, command_output = _create_project_with_the_command(server, f"leakage-{log_format}")
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            run = Run(
                log_format=log_format, server=server, project=project, provider=oidc_provider, http=http
            )
            run.command_output = command_output
            run.add_secret("API key", project.api_key)
            run.add_secret("metrics bearer token", METRICS_TOKEN)
            _create_apps(run)
            _link_through_every_face(run)
            _provoke_errors(run)
            _read_everything(run)
            _learn_tokens(run, migrated, encryption_key)
            _use_refresh_and_delete(run)
            scrape = http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
            assert scrape.status_code == 200, scrape.text
            run.metrics = scrape.text
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

    if run.log_format == "text":
        assert "DEBUG httpcore" in log and "DEBUG connexion" in log  # the log really is at debug level
    assert f"GET {ACI_CALLBACK}?code=[redacted]&state=[redacted]&iss=" in log
    assert f"GET {QUIVA_CALLBACK}?code=[redacted]&state=[redacted]&iss=" in log
    assert "error_description=[redacted]" in log
    assert leaked(log, run.secrets) == []
    assert leaked(run.command_output, run.secrets) == []


_TEXT_LINE = re.compile(
    r"(?P<level>[A-Z]+) (?P<logger>[\w.]+): (?P<message>.*?)"
    r"(?: code=(?P<code>[\w.-]+))?(?: request_id=(?P<request_id>\S+))?"
)


def _records(run: Run) -> list[dict[str, Any]]:
    """The server's log as records: each JSON line as it is, each text line taken apart (lines that
    continue a multi-line message are no record)."""
    lines = run.server.log_text().splitlines()
    if run.log_format == "json":
        records = [json.loads(line) for line in lines]  # every line is one JSON object
        for record in records:
            assert {"timestamp", "level", "logger", "message", "request_id"} <= set(record), record
        return records
    matched = (_TEXT_LINE.fullmatch(line) for line in lines)
    return [
        {name: value for name, value in match.groupdict().items() if value is not None}
        for match in matched
        if match is not None
    ]


def test_log_lines_carry_request_ids_and_the_codes_of_expected_failures(run: Run):
    records = _records(run)

    loggers = {(record["level"], record["logger"].split(".")[0]) for record in records}
    assert {("DEBUG", "httpcore"), ("DEBUG", "connexion"), ("INFO", "uvicorn")} <= loggers
    # uvicorn's access lines follow the same format and carry the id of the request they report.
    access = [record for record in records if record["logger"] == "uvicorn.access"]
    assert len(access) >= len(run.exchanges)
    assert all(record.get("request_id") for record in access)
    # The provider failure is one WARNING line with its code; no traceback, no ERROR anywhere.
    failures = [record for record in records if record["level"] == "WARNING" and "code" in record]
    assert [record["code"] for record in failures] == ["provider_error"], failures
    assert not [record for record in records if "exc_info" in record or record["level"] == "ERROR"]
    assert "Traceback" not in run.server.log_text()


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def test_the_metrics_count_the_flow(run: Run):
    metrics = run.metrics

    assert _metric(metrics, "linkvault_links_started_total") == len(run.states)
    assert _metric(metrics, "linkvault_links_finished_total") == len(FACES)
    failed = {
        reason: _metric(metrics, "linkvault_links_failed_total", reason=reason)
        for reason in ("invalid_state", "access_denied", "invalid_grant", "provider_error")
    }
    assert failed == {
        "invalid_state": len(FACES),
        "access_denied": 1,
        "invalid_grant": 1,
        "provider_error": 1,
    }
    calls = "linkvault_token_endpoint_calls_total"
    assert _metric(metrics, calls, call="code_exchange", outcome="ok") == len(FACES)
    assert _metric(metrics, calls, call="code_exchange", outcome="invalid_grant") == 1
    assert _metric(metrics, calls, call="code_exchange", outcome="provider_error") == 1
    assert _metric(metrics, calls, call="refresh", outcome="ok") == 1
    assert _metric(metrics, calls, call="revocation", outcome="revoked") == 1
    durations = "linkvault_token_endpoint_call_duration_seconds_count"
    assert _metric(metrics, durations, call="code_exchange") == len(FACES) + 2
    requests = "linkvault_http_requests_total"
    assert _metric(metrics, requests, operation="get_linked_account_credentials", status="200") == 2
    assert _metric(metrics, requests, operation="delete_linked_account", status="200") == 1
    assert _metric(metrics, requests, operation="integrationsOauthCallback", status="401") == 1
    assert _metric(metrics, "linkvault_db_pool_connections_in_use") == 0  # all returned when idle


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
