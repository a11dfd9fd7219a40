"""A small OAuth2 provider that answers the way a real one bends RFC 6749, served by uvicorn on loopback.

Its authorization endpoint consents at once and redirects back with ``code`` and ``state``, so that a
full link runs through linkvault's own callback. Its token endpoint checks the code, the PKCE verifier
(RFC 7636 §4.6) and the redirect URI, then answers what the test scripted for that client: each client
(``register``) has its own script, so tests sharing one provider never see each other's answers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

__all__ = ["Answer", "FakeApp", "FakeProvider", "Grant", "create_fake_app", "fake_provider_running"]


@dataclass(frozen=True)
class Grant:
    """One token request as the provider received it."""

    grant_type: str
    form: dict[str, str]
    client_id: str


@dataclass(frozen=True)
class Answer:
    """What the token endpoint answers: a JSON document (a dict or list), or raw bytes."""

    body: Any
    status: int = 200
    content_type: str = "application/json"

    def encoded(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


Script = Callable[[Grant], Answer]


@dataclass
class _Client:
    script: Script
    # Token requests are read as a JSON object, and a form is refused (a provider that documents JSON).
    json_request: bool = False
    grants: list[Grant] = field(default_factory=list)
    authorizations: list[dict[str, str]] = field(default_factory=list)
    revocations: list[dict[str, str]] = field(default_factory=list)


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str
    used: bool = False


class FakeProvider:
    """The provider's state and its ASGI application; ``base_url`` is set once it serves."""

    def __init__(self) -> None:
        self.base_url = ""
        self._clients: dict[str, _Client] = {}
        self._codes: dict[str, _Code] = {}
        self._lock = threading.Lock()
        self.app = Starlette(
            routes=[
                Route("/authorize", self._authorize, methods=["GET"]),
                Route("/token", self._token, methods=["POST"]),
                Route("/revoke", self._revoke, methods=["POST"]),
            ]
        )

    @property
    def authorization_endpoint(self) -> str:
        return self.base_url + "/authorize"

    @property
    def token_endpoint(self) -> str:
        return self.base_url + "/token"

    @property
    def revocation_endpoint(self) -> str:
        return self.base_url + "/revoke"

    def register(self, script: Script, *, json_request: bool = False) -> str:
        """A new client whose token requests ``script`` answers (``json_request``: requests must be a
        JSON object of strings, as Zendesk's docs ask); returns its client id."""
        client_id = "client-" + secrets.token_hex(8)
        with self._lock:
            self._clients[client_id] = _Client(script=script, json_request=json_request)
        return client_id

    def grants(self, client_id: str) -> list[Grant]:
        with self._lock:
            return list(self._clients[client_id].grants)

    def authorizations(self, client_id: str) -> list[dict[str, str]]:
        """The query of every authorization request of the client."""
        with self._lock:
            return list(self._clients[client_id].authorizations)

    def revocations(self, client_id: str) -> list[dict[str, str]]:
        with self._lock:
            return list(self._clients[client_id].revocations)

    def authorize(self, authorization_url: str) -> str:
        """The user consents: the redirect back to the client, with ``code`` and ``state``."""
        assert authorization_url.startswith(self.authorization_endpoint + "?"), authorization_url
        response = httpx.get(authorization_url, follow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        return response.headers["location"]

    async def _authorize(self, request: Request) -> Response:
        query = dict(request.query_params)
        client = self._clients.get(query.get("client_id", ""))
        if client is None or query.get("code_challenge_method") != "S256":
            return Response("unknown client or no PKCE", status_code=400)
        code = secrets.token_urlsafe(16)
        with self._lock:
            client.authorizations.append(query)
            self._codes[code] = _Code(
                client_id=query["client_id"],
                redirect_uri=query["redirect_uri"],
                challenge=query["code_challenge"],
            )
        separator = "&" if urlsplit(query["redirect_uri"]).query else "?"
        location = query["redirect_uri"] + separator + urlencode({"code": code, "state": query["state"]})
        return RedirectResponse(location, status_code=302)

    async def _token(self, request: Request) -> Response:
        body = await request.body()
        is_json = request.headers.get("content-type", "").startswith("application/json")
        form = _json_members(body) if is_json else dict(parse_qsl(body.decode()))
        client_id = _client_id(request, form)
        client = self._clients.get(client_id)
        if client is None:
            return _json(401, {"error": "invalid_client"})
        if is_json != client.json_request:
            return _json(400, {"error": "invalid_request"})
        grant = Grant(grant_type=form.get("grant_type", ""), form=form, client_id=client_id)
        with self._lock:
            client.grants.append(grant)
        if grant.grant_type == "authorization_code":
            refusal = self._redeem(client_id, form)
            if refusal is not None:
                return _json(400, {"error": refusal})
        answer = client.script(grant)
        return Response(answer.encoded(), status_code=answer.status, media_type=answer.content_type)

    def _redeem(self, client_id: str, form: dict[str, str]) -> str | None:
        """None when the code is this client's, unused, for this redirect URI and verifier."""
        with self._lock:
            code = self._codes.get(form.get("code", ""))
            if code is None or code.used or code.client_id != client_id:
                return "invalid_grant"
            code.used = True
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != code.challenge or form.get("redirect_uri") != code.redirect_uri:
            return "invalid_grant"
        return None

    async def _revoke(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        client = self._clients.get(_client_id(request, form))
        if client is not None:
            with self._lock:
                client.revocations.append(form)
        return Response(status_code=200)


def _client_id(request: Request, form: dict[str, str]) -> str:
    """The client id of client_secret_basic (RFC 6749 §2.3.1) or client_secret_post."""
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("Basic "):
        pair = base64.b64decode(authorization.removeprefix("Basic ")).decode()
        return unquote(pair.split(":", 1)[0])
    return form.get("client_id", "")


def _json_members(body: bytes) -> dict[str, str]:
    """A JSON token request's members, where every one is a string (else none: the request is refused)."""
    try:
        document = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(document, dict) or not all(isinstance(v, str) for v in document.values()):
        return {}
    return document


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body).encode(), status_code=status, media_type="application/json")


@contextmanager
def fake_provider_running() -> Iterator[FakeProvider]:
    """A ``FakeProvider`` served by uvicorn on a free loopback port, in a thread, until the block ends."""
    provider = FakeProvider()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(provider.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake provider did not start")
        time.sleep(0.02)
    provider.base_url = f"http://127.0.0.1:{port}"
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass(frozen=True)
class FakeApp:
    """An app configuration of a project whose client is registered at the fake provider."""

    app_name: str
    project: Any
    client_id: str
    provider: FakeProvider
    body: dict[str, Any]


def create_fake_app(
    api: httpx.Client,
    project: Any,
    fake: FakeProvider,
    script: Script,
    *,
    json_request: bool = False,
    **fields: Any,
) -> FakeApp:
    """``POST /v1/app-configurations`` for a new client of ``fake``, with ``fields`` (e.g. a catalog
    ``provider``). Every endpoint is the fake provider's, given explicitly, so a catalog entry's quirks
    apply while no request leaves loopback (deleting an account revokes at ``revocation_url`` too).
    ``json_request``: the client's token requests must be JSON (see ``FakeProvider.register``)."""
    client_id = fake.register(script, json_request=json_request)
    body = {
        "app_name": "fake-" + secrets.token_hex(6),
        "client_id": client_id,
        "client_secret": "fake-secret",
        "authorize_url": fake.authorization_endpoint,
        "token_url": fake.token_endpoint,
        "revocation_url": fake.revocation_endpoint,
        **fields,
    }
    response = api.post("/v1/app-configurations", json=body, headers=project.headers)
    assert response.status_code == 201, response.text
    return FakeApp(
        app_name=body["app_name"], project=project, client_id=client_id, provider=fake, body=response.json()
    )
