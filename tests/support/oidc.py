"""Pytest-side driver for the test OpenID Provider in tests/oidc_provider.

The provider is a real oidc-provider (Node) instance; this module installs it
(`npm ci`) when needed, runs it as a subprocess on a free loopback port, and
talks to it over HTTP: dynamic client registration, the devInteractions
login/consent pages, and the /__test__/ knobs that make the token endpoint
(every grant or one grant type) or the revocation endpoint slow or failing, doctor
token responses, count requests, time the provider's own work per endpoint, and set
refresh-token rotation and the access-token lifetime per client.
"""

from __future__ import annotations

import fcntl
import html
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urljoin

import httpx
import pytest

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
# Generous: on a loaded 2-core machine, importing oidc-provider right after `npm ci` has been seen
# to take longer than 30 s.
START_TIMEOUT_SECONDS = 120.0
NPM_CI_TIMEOUT_SECONDS = 300.0

# devInteractions renders one form per prompt, marked with a hidden input.
_PROMPT_RE = re.compile(r'<input type="hidden" name="prompt" value="([a-z_]+)"\s*/?>')


class OidcProviderError(RuntimeError):
    pass


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    client_secret: str
    redirect_uris: list[str]


class OidcProvider:
    """A running test provider. Everything is keyed by client_id, so tests that
    register their own clients can share one instance."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self._http = httpx.Client(timeout=10.0)
        self._metadata: dict[str, Any] | None = None

    @property
    def metadata(self) -> dict[str, Any]:
        """The discovery document (fetched once)."""
        if self._metadata is None:
            response = self._http.get(f"{self.issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            self._metadata = response.json()
        return self._metadata

    @property
    def authorization_endpoint(self) -> str:
        return str(self.metadata["authorization_endpoint"])

    @property
    def token_endpoint(self) -> str:
        return str(self.metadata["token_endpoint"])

    @property
    def revocation_endpoint(self) -> str:
        return str(self.metadata["revocation_endpoint"])

    def register_client(
        self, *, redirect_uris: list[str], token_endpoint_auth_method: str = "client_secret_basic"
    ) -> RegisteredClient:
        """Register a confidential client (RFC 7591). The provider only accepts
        the auth method registered here at its token endpoint."""
        response = self._http.post(
            self.metadata["registration_endpoint"],
            json={
                "redirect_uris": redirect_uris,
                "token_endpoint_auth_method": token_endpoint_auth_method,
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
            },
        )
        _raise_for_status(response, "client registration")
        body = response.json()
        return RegisteredClient(
            client_id=body["client_id"],
            client_secret=body["client_secret"],
            redirect_uris=list(body["redirect_uris"]),
        )

    def token_requests(self, client_id: str, grant_type: str = "authorization_code") -> int:
        """How many requests for this client and grant_type reached the token
        endpoint, including those answered by a knob."""
        response = self._http.get(self._control_url(client_id, "token-requests"))
        _raise_for_status(response, "reading token request counts")
        return int(response.json().get(grant_type, 0))

    def timings(self, *, reset: bool = False) -> dict[str, tuple[int, float]]:
        """The provider's own time per endpoint path since the last reset: ``{path: (requests,
        milliseconds in total)}``, from a request reaching the provider until its answer was ready
        (so a client's own share of a flow is its total minus this). ``reset`` clears them."""
        url = f"{self.issuer}/__test__/timings"
        response = self._http.delete(url) if reset else self._http.get(url)
        _raise_for_status(response, "reading the provider's timings")
        return {
            path: (int(entry["count"]), float(entry["total_ms"])) for path, entry in response.json().items()
        }

    def last_token_request(self, client_id: str) -> dict[str, Any]:
        """The form fields (``form``) and the Authorization scheme (``authorization_scheme``) of the
        client's latest token request."""
        response = self._http.get(self._control_url(client_id, "last-token-request"))
        _raise_for_status(response, "reading the last token request")
        result: dict[str, Any] = response.json()
        return result

    def last_token_response(self, client_id: str) -> dict[str, Any]:
        """The body of the client's latest successful token response (tokens included), as sent."""
        response = self._http.get(self._control_url(client_id, "last-token-response"))
        _raise_for_status(response, "reading the last token response")
        result: dict[str, Any] = response.json()
        return result

    def set_knobs(
        self,
        client_id: str,
        *,
        delay_seconds: float | None = None,
        fail_status: int | None = None,
        fail_body: str | None = None,
        fail_content_type: str | None = None,
        response_patch: dict[str, Any] | None = None,
        only_grant_type: str | None = None,
    ) -> None:
        """Replace this client's token endpoint knobs (knobs not given are cleared).

        delay_seconds: sleep before answering (also before a fail_status answer).
        fail_status: answer with this status and fail_body instead of processing;
            the content type defaults to application/json if fail_body parses as
            JSON, else text/html.
        response_patch: shallow-merged into a successful token response; a None
            value removes the key.
        only_grant_type: apply the knobs above only to token requests with this
            grant_type (e.g. "refresh_token"); others are answered normally. By
            default they apply to every token request of the client.
        """
        knobs = {
            "delay_seconds": delay_seconds,
            "fail_status": fail_status,
            "fail_body": fail_body,
            "fail_content_type": fail_content_type,
            "response_patch": response_patch,
            "only_grant_type": only_grant_type,
        }
        response = self._http.put(
            self._control_url(client_id, "knobs"),
            json={key: value for key, value in knobs.items() if value is not None},
        )
        _raise_for_status(response, "setting knobs")

    def reset_knobs(self, client_id: str) -> None:
        """Clear this client's token endpoint and revocation endpoint knobs."""
        for resource in ("knobs", "revocation-knobs"):
            response = self._http.delete(self._control_url(client_id, resource))
            _raise_for_status(response, "resetting knobs")

    def revocation_requests(self, client_id: str) -> int:
        """How many requests for this client (by its client authentication, as for
        token_requests) reached the RFC 7009 revocation endpoint, including those
        answered by a knob or rejected."""
        response = self._http.get(self._control_url(client_id, "revocation-requests"))
        _raise_for_status(response, "reading the revocation request count")
        return int(response.json()["count"])

    def last_revocation_request(self, client_id: str) -> dict[str, Any]:
        """The client's latest revocation request, {} if none: its form fields
        (``form``, e.g. {"token": ..., "token_type_hint": "refresh_token"}, plus
        client_id/client_secret with client_secret_post) and its Authorization scheme
        (``authorization_scheme``: "Basic", or "" without the header)."""
        response = self._http.get(self._control_url(client_id, "last-revocation-request"))
        _raise_for_status(response, "reading the last revocation request")
        result: dict[str, Any] = response.json()
        return result

    def set_revocation_knobs(
        self,
        client_id: str,
        *,
        delay_seconds: float | None = None,
        fail_status: int | None = None,
        fail_body: str | None = None,
        fail_content_type: str | None = None,
    ) -> None:
        """Replace this client's revocation endpoint knobs (knobs not given are
        cleared); the same meaning as for set_knobs. Independent of the token
        endpoint knobs; reset_knobs clears both."""
        knobs = {
            "delay_seconds": delay_seconds,
            "fail_status": fail_status,
            "fail_body": fail_body,
            "fail_content_type": fail_content_type,
        }
        response = self._http.put(
            self._control_url(client_id, "revocation-knobs"),
            json={key: value for key, value in knobs.items() if value is not None},
        )
        _raise_for_status(response, "setting revocation knobs")

    def revoke_grant(self, client_id: str, token: str) -> None:
        """Invalidate at the provider, out of band, everything issued to the client
        under the grant of ``token`` (one of its refresh or access tokens), as when
        the user withdraws the client's access: a refresh with any of that grant's
        refresh tokens answers invalid_grant and its access tokens stop working.
        Not counted as a revocation request. Raises OidcProviderError if the provider
        has no such token for this client."""
        response = self._http.post(self._control_url(client_id, "revoke-grant"), json={"token": token})
        _raise_for_status(response, "revoking a grant")

    def configure_client(
        self,
        client_id: str,
        *,
        rotate_refresh_tokens: bool | None = None,
        access_token_ttl_seconds: int | None = None,
    ) -> None:
        """Replace this client's provider settings (settings not given go back to the default).

        rotate_refresh_tokens: True: every refresh answers with a new refresh token
            and consumes the old one; presenting a consumed one answers invalid_grant
            and revokes the whole grant, the new refresh token included. False: the
            refresh token is returned unchanged and stays valid. Default: oidc-provider's
            policy, which for these confidential clients means no rotation within a test.
        access_token_ttl_seconds: the lifetime of the client's access tokens, i.e.
            expires_in of its token responses (code exchange and refresh). Default 3600.
        Applies to tokens issued from then on; issued access tokens keep their lifetime.
        """
        config = {
            "rotate_refresh_tokens": rotate_refresh_tokens,
            "access_token_ttl_seconds": access_token_ttl_seconds,
        }
        response = self._http.put(
            self._control_url(client_id, "config"),
            json={key: value for key, value in config.items() if value is not None},
        )
        _raise_for_status(response, "configuring the client")

    def authorize(self, authorization_url: str, *, login: str = "alice", consent: bool = True) -> str:
        """Drive the provider's login and consent pages like a browser would,
        starting at authorization_url, and return the URL the provider finally
        redirects to (the client's redirect_uri with code/state/iss, or with
        error=access_denied when consent is False). That URL is not requested.

        Each call uses a fresh cookie jar, i.e. a new browser session, so the
        login and consent pages are always shown. The login name becomes the
        subject (sub) and the local part of the email claim.
        """
        with httpx.Client(timeout=10.0, follow_redirects=False) as browser:
            response = browser.get(authorization_url)
            for _ in range(20):
                if response.is_redirect:
                    location = urljoin(str(response.url), response.headers["location"])
                    if not self._is_own_url(location):
                        return location
                    response = browser.get(location)
                    continue

                prompt = _PROMPT_RE.search(response.text) if response.status_code == 200 else None
                if prompt is None:
                    raise OidcProviderError(
                        f"unexpected page at {response.url} (HTTP {response.status_code}) "
                        f"while authorizing:\n{_page_text(response.text)}"
                    )
                # devInteractions pages post back to their own URL; the abort link is <url>/abort.
                page_url = str(response.url)
                match prompt.group(1):
                    case "login":
                        form = {"prompt": "login", "login": login, "password": "x"}
                        response = browser.post(page_url, data=form)
                    case "consent" if consent:
                        response = browser.post(page_url, data={"prompt": "consent"})
                    case "consent":
                        response = browser.get(f"{page_url}/abort")
                    case other:
                        raise OidcProviderError(f"unknown interaction prompt {other!r} at {page_url}")
        raise OidcProviderError(f"too many steps while authorizing {authorization_url}")

    def close(self) -> None:
        self._http.close()

    def _is_own_url(self, url: str) -> bool:
        return url == self.issuer or url.startswith(f"{self.issuer}/")

    def _control_url(self, client_id: str, resource: str) -> str:
        return f"{self.issuer}/__test__/clients/{quote(client_id, safe='')}/{resource}"


class RunningOidcProvider:
    """An OidcProvider backed by a `node server.mjs` subprocess; a context manager."""

    def __init__(self, provider: OidcProvider, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
        self.provider = provider
        self._process = process
        self._log = log

    def __enter__(self) -> OidcProvider:
        return self.provider

    @property
    def pid(self) -> int:
        """The Node process's id (a benchmark pins it to a core)."""
        return self._process.pid

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def log_text(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        # Opened anew: seeking self._log would move the server's shared write offset.
        return Path(self._log.name).read_text(errors="replace")

    def stop(self) -> None:
        self.provider.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()


def start_oidc_provider(*, issuer_path: str = "") -> RunningOidcProvider:
    """Start a provider on a free 127.0.0.1 port, with issuer
    http://127.0.0.1:<port><issuer_path>. Use as a context manager or call stop()."""
    if issuer_path and (not issuer_path.startswith("/") or issuer_path.endswith("/")):
        raise ValueError(f"issuer_path must look like '/tenant-b', got {issuer_path!r}")
    node = _require_executable("node")
    _ensure_node_modules()

    # Another process may grab the free port before node binds it; try again then.
    for attempt in range(3):
        port = _free_port()
        issuer = f"http://127.0.0.1:{port}{issuer_path}"
        # A file rather than a pipe: nobody reads a pipe while tests run, and a
        # full pipe would block the server.
        log = tempfile.NamedTemporaryFile(prefix="oidc-provider-", suffix=".log")
        process = subprocess.Popen(
            [node, "server.mjs"],
            cwd=PROVIDER_DIR,
            env=_child_env(PORT=str(port), ISSUER=issuer),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        running = RunningOidcProvider(OidcProvider(issuer), process, log)
        try:
            _wait_until_ready(running, process)
        except OidcProviderError as error:
            running.stop()
            if "EADDRINUSE" in str(error) and attempt < 2:
                continue
            raise
        except BaseException:
            running.stop()
            raise
        return running
    raise AssertionError("unreachable")


def _wait_until_ready(running: RunningOidcProvider, process: subprocess.Popen[bytes]) -> None:
    issuer = running.provider.issuer
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        if process.poll() is not None:
            raise OidcProviderError(
                f"test OIDC provider exited with code {process.returncode} during startup; output:\n"
                f"{running.log_text()}"
            )
        try:
            response = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2.0)
            if response.status_code == 200 and response.json().get("issuer") == issuer:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise OidcProviderError(
                f"test OIDC provider at {issuer} not ready after {START_TIMEOUT_SECONDS:.0f}s; output:\n"
                f"{running.log_text()}"
            )
        time.sleep(0.05)


def _ensure_node_modules() -> None:
    # The marker npm writes at the end of an install, so an interrupted install
    # is redone. The lock keeps parallel pytest workers from installing at once.
    marker = PROVIDER_DIR / "node_modules" / ".package-lock.json"
    if marker.exists():
        return
    npm = _require_executable("npm")
    lock_path = Path(tempfile.gettempdir()) / "linkvault-oidc-provider-npm-ci.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PROVIDER_DIR,
            env=_child_env(CI="true"),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=NPM_CI_TIMEOUT_SECONDS,
        )
        if result.returncode != 0:
            raise OidcProviderError(f"`npm ci` in {PROVIDER_DIR} failed:\n{result.stdout}\n{result.stderr}")


def _child_env(**extra: str) -> dict[str, str]:
    # Inherited so that npm keeps the machine's registry/proxy/cache settings.
    return {**os.environ, **extra}


def _require_executable(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise OidcProviderError(f"`{name}` not found on PATH; the test OIDC provider needs Node.js")
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _raise_for_status(response: httpx.Response, action: str) -> None:
    if response.is_error:
        raise OidcProviderError(f"{action} failed: HTTP {response.status_code}: {response.text[:2000]}")


def _page_text(page: str) -> str:
    # oidc-provider error pages carry the error in plain text; drop the markup noise.
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(re.sub(r"\s+", " ", text).strip())[:2000]


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    with start_oidc_provider() as provider:
        yield provider


@pytest.fixture(scope="session")
def other_oidc_provider() -> Iterator[OidcProvider]:
    """A second, independent provider with a different issuer (another port),
    e.g. the attacker's provider in mix-up tests."""
    with start_oidc_provider() as provider:
        yield provider
