"""A provider that refuses, breaks the protocol, stalls or cannot be authenticated never gets an account
created or changed: the answer is 400 (the grant was refused), 502 or 504, with none of the provider's
markup relayed, and an account that already exists keeps its credentials and its sequence number.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
import pytest

from support.faces import deliver
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.pkce import s256
from support.projects import Project
from support.server import RunningServer, ServerFactory
from support.tls import CertificateAuthority, serve_metadata
from support.witness import linked_accounts

OWNER = "existing-owner"
_MARKUP = "<html><head><title>Oops</title></head><body><script>alert(1)</script>down</body></html>"


class Linked:
    """An app whose owner already has a linked account, with what a failure must leave unchanged."""

    def __init__(self, api: httpx.Client, app) -> None:
        self.api, self.app = api, app
        first = deliver(api, "quiva", app_name=app.app_name, project=app.project, params=self.consented())
        assert first.status == 200, first.text
        assert first.response.json()["sequence"] == 1
        [self.account] = linked_accounts(api, app.project)
        self.token_requests = 1

    def consented(self) -> dict[str, str]:
        return query_of(consent(self.app, start_link(self.api, self.app, owner=OWNER)))

    def assert_unchanged(self) -> None:
        """The account is as it was, and the next successful link is only the second credential write."""
        response = self.api.get(f"/v1/linked-accounts/{self.account['id']}", headers=self.app.project.headers)
        assert response.json() == self.account
        assert linked_accounts(self.api, self.app.project) == [self.account]
        self.app.provider.reset_knobs(self.app.client.client_id)
        relinked = deliver(
            self.api, "quiva", app_name=self.app.app_name, project=self.app.project, params=self.consented()
        )
        assert relinked.status == 200, relinked.text
        assert relinked.response.json()["sequence"] == 2


@pytest.fixture
def linked(api: httpx.Client, project: Project, make_app) -> Linked:
    return Linked(api, make_app(project, redirect_uri=FRONTEND_CALLBACK))


def _no_markup(text: str) -> None:
    for fragment in ("<html", "<script", "alert(1)", "Oops", "down<"):
        assert fragment not in text, text


@pytest.mark.parametrize(
    ("knobs", "status", "reason"),
    [
        ({"fail_status": 400, "fail_body": '{"error":"invalid_grant","error_description":"<b>no</b>"}'}, 400, "invalid_grant"),
        ({"fail_status": 401, "fail_body": '{"error":"invalid_client"}'}, 502, "provider_error"),
        ({"fail_status": 503, "fail_body": _MARKUP}, 502, "provider_error"),
        ({"fail_status": 500, "fail_body": '{"error":"server_error","error_description":"<script>x</script>"}'}, 502, "provider_error"),
        ({"fail_status": 400, "fail_body": _MARKUP}, 502, "provider_error"),
        ({"fail_status": 200, "fail_body": _MARKUP}, 502, "provider_error"),
        ({"fail_status": 200, "fail_body": '["access_token", "Bearer"]'}, 502, "provider_error"),
        ({"fail_status": 302, "fail_body": ""}, 502, "provider_error"),
        ({"response_patch": {"access_token": None}}, 502, "provider_error"),
        ({"response_patch": {"access_token": ""}}, 502, "provider_error"),
        ({"response_patch": {"access_token": 12345}}, 502, "provider_error"),
        ({"response_patch": {"token_type": "MAC"}}, 502, "provider_error"),
        ({"response_patch": {"token_type": "DPoP"}}, 502, "provider_error"),
        ({"response_patch": {"token_type": None}}, 502, "provider_error"),
        ({"response_patch": {"padding": "x" * 1_100_000}}, 502, "provider_error"),
    ],
    ids=[
        "invalid_grant", "invalid_client", "503 html", "500 json", "400 html", "200 html", "200 array",
        "302", "no access_token", "empty access_token", "numeric access_token", "MAC token", "DPoP token",
        "no token_type", "over a megabyte",
    ],
)  # fmt: skip
def test_a_failing_token_endpoint_changes_no_account(
    api: httpx.Client, linked: Linked, knobs: dict, status: int, reason: str
):
    app = linked.app
    params = linked.consented()
    app.provider.set_knobs(app.client.client_id, **knobs)

    answer = deliver(api, "aci", app_name=app.app_name, project=app.project, params=params)

    assert (answer.status, answer.reason) == (status, reason), answer.text
    assert answer.response.headers["content-type"] == "application/problem+json"
    _no_markup(answer.text)
    assert "<b>" not in answer.text
    assert app.provider.token_requests(app.client.client_id) == linked.token_requests + 1
    linked.assert_unchanged()


@pytest.mark.parametrize("face", ["langsmith", "peaka", "quiva"])
def test_the_authenticated_faces_relay_no_provider_markup(api: httpx.Client, linked: Linked, face: str):
    app = linked.app
    params = linked.consented()
    app.provider.set_knobs(app.client.client_id, fail_status=503, fail_body=_MARKUP)

    answer = deliver(api, face, app_name=app.app_name, project=app.project, params=params)

    assert (answer.status, answer.reason) == (502, "provider_error"), answer.text
    _no_markup(answer.text)
    assert "access_token" not in answer.text
    linked.assert_unchanged()


def test_a_slow_token_endpoint_times_out_and_its_late_answer_is_ignored(api: httpx.Client, linked: Linked):
    """The shared server's LINKVAULT_HTTP_TIMEOUT_SECONDS is 3."""
    app = linked.app
    params = linked.consented()
    app.provider.set_knobs(app.client.client_id, delay_seconds=4)

    started = time.monotonic()
    answer = deliver(api, "aci", app_name=app.app_name, project=app.project, params=params)
    elapsed = time.monotonic() - started

    assert (answer.status, answer.reason) == (504, "provider_timeout"), answer.text
    assert 2.5 < elapsed < 3.9
    # The provider does answer (and redeem the code) after linkvault gave up; nothing comes of it.
    time.sleep(4.2 - elapsed)
    assert app.provider.token_requests(app.client.client_id) == linked.token_requests + 1
    linked.assert_unchanged()


def test_a_code_already_redeemed_by_someone_else_is_refused(api: httpx.Client, linked: Linked):
    """Someone who intercepted the authorization request redeems the code first, with their own PKCE
    verifier, then lets the redirect reach linkvault."""
    app = linked.app
    authorization_url = start_link(api, app, owner=OWNER)
    verifier = secrets.token_urlsafe(48)
    parts = urlsplit(authorization_url)
    hijacked_query = {**query_of(authorization_url), "code_challenge": s256(verifier)}
    hijacked_url = urlunsplit(parts._replace(query=urlencode(hijacked_query)))
    params = query_of(consent(app, hijacked_url))
    redeemed = httpx.post(
        app.provider.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": app.redirect_uri,
            "code_verifier": verifier,
        },
        auth=(app.client.client_id, app.client.client_secret),
    )
    assert redeemed.status_code == 200, redeemed.text

    answer = deliver(api, "aci", app_name=app.app_name, project=app.project, params=params)

    assert (answer.status, answer.reason) == (400, "invalid_grant"), answer.text
    assert redeemed.json()["access_token"] not in answer.text
    assert app.provider.token_requests(app.client.client_id) == linked.token_requests + 2
    linked.assert_unchanged()


def test_a_code_linkvault_already_redeemed_is_refused_in_a_new_flow(api: httpx.Client, linked: Linked):
    app = linked.app
    used = linked.consented()
    assert deliver(api, "aci", app_name=app.app_name, project=app.project, params=used).status == 200
    [account] = linked_accounts(api, app.project)
    fresh_state = query_of(start_link(api, app, owner=OWNER))["state"]

    answer = deliver(
        api, "aci", app_name=app.app_name, project=app.project, params={**used, "state": fresh_state}
    )

    assert (answer.status, answer.reason) == (400, "invalid_grant"), answer.text
    assert app.provider.token_requests(app.client.client_id) == linked.token_requests + 2
    assert api.get(f"/v1/linked-accounts/{account['id']}", headers=app.project.headers).json() == account


@pytest.mark.parametrize(
    "error", ["<script>alert(1)</script>", "access_denied<b>", "x" * 300, "server_error\r\nX-Evil: 1"]
)
def test_an_unknown_error_in_the_redirect_is_reported_by_a_fixed_code(
    api: httpx.Client, linked: Linked, error: str
):
    app = linked.app
    authorization_url = start_link(api, app, owner=OWNER)
    params = {
        "error": error,
        "error_description": "<img src=x onerror=alert(1)>",
        "error_uri": "https://evil.example/help",
        "state": query_of(authorization_url)["state"],
        "iss": app.provider.issuer,
    }

    answer = deliver(api, "aci", app_name=app.app_name, project=app.project, params=params)

    assert (answer.status, answer.reason) == (400, "provider_error"), answer.text
    for fragment in ("<", "onerror", "evil", "X-Evil", "xxxxxxxx"):
        assert fragment not in answer.text and fragment not in str(answer.response.headers)
    assert app.provider.token_requests(app.client.client_id) == linked.token_requests
    linked.assert_unchanged()


# --- TLS: whose certificates linkvault trusts ------------------------------------------------------


@pytest.fixture(scope="module")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return CertificateAuthority.create(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def trusting_server(session_servers: ServerFactory, test_ca: CertificateAuthority) -> Iterator[RunningServer]:
    """A second linkvault process that trusts the test CA (and only it) through SSL_CERT_FILE."""
    server = session_servers.start(
        "trusting", extra_env={"SSL_CERT_FILE": str(test_ca.cert_file), "SSL_CERT_DIR": ""}
    )
    yield server
    server.stop()


def _create_app(base_url: str, project: Project, issuer: str, app_name: str) -> httpx.Response:
    with httpx.Client(base_url=base_url, timeout=30) as api:
        return api.post(
            "/v1/app-configurations",
            json={"app_name": app_name, "issuer": issuer, "client_id": "c", "client_secret": "s"},
            headers=project.headers,
        )


def test_an_issuer_with_a_certificate_of_an_untrusted_ca_is_refused(
    api: httpx.Client, project: Project, test_ca: CertificateAuthority, tmp_path: Path
):
    with serve_metadata(test_ca.issue(tmp_path)) as issuer:
        response = _create_app(str(api.base_url), project, issuer.issuer, "untrusted")
        served = issuer.metadata_requests

    assert response.status_code == 502, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "provider_error"
    assert "certificate could not be verified" in problem["detail"], problem
    assert served == 0
    assert api.get("/v1/app-configurations/untrusted", headers=project.headers).status_code == 404


def test_an_issuer_with_a_certificate_of_a_trusted_ca_is_accepted(
    trusting_server: RunningServer, project: Project, test_ca: CertificateAuthority, tmp_path: Path
):
    with serve_metadata(test_ca.issue(tmp_path)) as issuer:
        response = _create_app(trusting_server.base_url, project, issuer.issuer, "trusted")
        served = issuer.metadata_requests

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["issuer"] == issuer.issuer
    assert created["authorize_url"] == f"{issuer.issuer}/authorize"
    assert created["token_url"] == f"{issuer.issuer}/token"
    assert created["authorization_response_iss_parameter_supported"] is True
    assert served >= 1


@pytest.mark.parametrize(
    "certificate",
    ["another CA", "another host name", "expired"],
)
def test_trusting_a_ca_does_not_trust_just_any_certificate(
    trusting_server: RunningServer,
    project: Project,
    test_ca: CertificateAuthority,
    tmp_path: Path,
    certificate: str,
):
    """The controls for the test above: SSL_CERT_FILE adds a CA, it does not switch verification off."""
    match certificate:
        case "another CA":
            server_certificate = CertificateAuthority.create(tmp_path / "other", name="other CA").issue(
                tmp_path
            )
        case "another host name":
            server_certificate = test_ca.issue(
                tmp_path, ip_addresses=("127.0.0.2",), dns_names=("example.test",)
            )
        case _:
            server_certificate = test_ca.issue(tmp_path, expired=True)
    with serve_metadata(server_certificate) as issuer:
        response = _create_app(trusting_server.base_url, project, issuer.issuer, "refused")
        served = issuer.metadata_requests

    assert response.status_code == 502, response.text
    assert response.json()["code"] == "provider_error"
    assert "certificate could not be verified" in response.json()["detail"]
    assert served == 0
    with httpx.Client(base_url=trusting_server.base_url) as api:
        assert api.get("/v1/app-configurations/refused", headers=project.headers).status_code == 404


def test_no_secret_reaches_the_log_of_a_failed_exchange(
    api: httpx.Client, linked: Linked, linkvault_server: RunningServer
):
    app = linked.app
    params = linked.consented()
    app.provider.set_knobs(
        app.client.client_id, fail_status=503, fail_body=json.dumps({"error": "server_error"})
    )

    answer = deliver(api, "aci", app_name=app.app_name, project=app.project, params=params)

    assert (answer.status, answer.reason) == (502, "provider_error"), answer.text
    log = linkvault_server.log_text()
    for secret in (params["code"], params["state"], app.client.client_secret):
        assert secret not in log
    linked.assert_unchanged()


class _DrippingTokenEndpoint:
    """A token endpoint on loopback that answers 200 at once and then its body a byte at a time, each
    byte well within any per-read timeout, the whole far past LINKVAULT_HTTP_TIMEOUT_SECONDS."""

    BODY = json.dumps({"access_token": "dripped-token", "token_type": "Bearer", "expires_in": 3600}).encode()
    SECONDS_PER_BYTE = 0.25

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/token"
        self.requests = 0
        self.bytes_sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65_536)
                self.requests += 1
                head = (
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(self.BODY)}\r\nConnection: close\r\n\r\n"
                )
                try:
                    connection.sendall(head.encode())
                    for byte in self.BODY:
                        if self._stop.wait(self.SECONDS_PER_BYTE):
                            return
                        connection.sendall(bytes([byte]))
                        self.bytes_sent += 1
                except OSError:
                    continue  # linkvault gave up and closed the connection

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._listener.close()


@pytest.fixture
def dripping_token_endpoint() -> Iterator[_DrippingTokenEndpoint]:
    endpoint = _DrippingTokenEndpoint()
    yield endpoint
    endpoint.close()


def test_a_token_endpoint_that_answers_a_byte_at_a_time_is_cut_off_at_the_timeout(
    api: httpx.Client, project: Project, dripping_token_endpoint: _DrippingTokenEndpoint
):
    """LINKVAULT_HTTP_TIMEOUT_SECONDS (3 on the shared server) bounds the whole call, every byte of
    the answer included, not each read: the callback answers 504 after it, and the state is used up."""
    created = api.post(
        "/v1/app-configurations",
        json={
            "app_name": "dripping",
            "client_id": "c",
            "client_secret": "s",
            "authorize_url": "http://127.0.0.1:9/authorize",
            "token_url": dripping_token_endpoint.url,
        },
        headers=project.headers,
    )
    assert created.status_code == 201, created.text
    app = type("App", (), {"app_name": "dripping", "project": project})()
    state = query_of(start_link(api, app))["state"]
    params = {"code": "a-code", "state": state}

    started = time.monotonic()
    answer = deliver(api, "aci", app_name="dripping", project=project, params=params)
    elapsed = time.monotonic() - started

    assert (answer.status, answer.reason) == (504, "provider_timeout"), answer.text
    assert 2.5 < elapsed < 4.5, elapsed
    assert dripping_token_endpoint.requests == 1
    assert 0 < dripping_token_endpoint.bytes_sent < len(_DrippingTokenEndpoint.BODY)
    assert linked_accounts(api, project) == []
    replay = deliver(api, "aci", app_name="dripping", project=project, params=params)
    assert (replay.status, replay.reason) == (400, "invalid_state"), replay.text
    assert dripping_token_endpoint.requests == 1
