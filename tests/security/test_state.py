"""The state (RFC 6749 §10.12, RFC 9700 §4.7): unguessable, stored only as a hash, used once whatever
the outcome, short-lived, and bound to the project that started the link, through every callback face.

Each refusal is checked for what did not happen behind it: no token request at the provider, no linked
account, and no state used up that should still work.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import httpx
import pytest

from linkvault.settings import Settings
from support.faces import AUTHENTICATED_FACES, FACES, callback_path, deliver
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.inprocess import in_process
from support.oidc import OidcProvider
from support.projects import Project
from support.server import RunningServer
from support.witness import database_text, linked_accounts

_URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")


def _finishes(api: httpx.Client, face: str, app, params: dict[str, str]) -> None:
    """The genuine response still links the account: whatever was refused before left the state alone."""
    answer = deliver(api, face, app_name=app.app_name, project=app.project, params=params)
    assert answer.status == 200, answer.text
    assert app.provider.token_requests(app.client.client_id) == 1


def test_states_are_distinct_and_carry_256_random_bits(
    api: httpx.Client, project: Project, make_app, migrated, linkvault_server: RunningServer
):
    app = make_app(project)

    with ThreadPoolExecutor(max_workers=8) as pool:
        urls = list(pool.map(lambda n: start_link(api, app, owner=f"owner-{n}"), range(300)))

    states = [query_of(url)["state"] for url in urls]

    assert len(set(states)) == len(states)
    for state in states:
        # 43 url-safe base64 characters carry 258 bits; anything shorter cannot hold 256.
        assert len(state) >= 43 and _URL_SAFE.fullmatch(state), state
    # Random bits, not a counter or a timestamp with a random tail: every one of the first 32 bytes
    # takes many values across the sample, and the bits are balanced.
    raw = [base64.urlsafe_b64decode(state + "=" * (-len(state) % 4)) for state in states]
    assert all(len(value) >= 32 for value in raw)
    for position in range(32):
        assert len({value[position] for value in raw}) > 120, f"byte {position} is not random"
    ones = sum(bin(byte).count("1") for value in raw for byte in value[:32])
    assert abs(ones / (len(raw) * 256) - 0.5) < 0.02
    # Stored only as its SHA-256 hash; never written to the database or the log in clear.
    stored, log = database_text(migrated.database_url), linkvault_server.log_text()
    for state in states[:50]:
        assert state not in stored
        assert hashlib.sha256(state.encode()).hexdigest() in stored
        assert state not in log
    assert app.provider.token_requests(app.client.client_id) == 0


@pytest.mark.parametrize("face", FACES)
def test_a_state_is_used_once_whichever_face_replays_it(
    api: httpx.Client, project: Project, make_app, face: str
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    params = query_of(consent(app, start_link(api, app, owner="once")))
    first = deliver(api, face, app_name=app.app_name, project=project, params=params)
    assert first.status == 200, first.text
    [account] = linked_accounts(api, project)

    # A replay through any face, including quiva.ai's, which would answer the tokens themselves.
    replays = [deliver(api, other, app_name=app.app_name, project=project, params=params) for other in FACES]

    for replay in replays:
        assert (replay.status, replay.reason) == (400, "invalid_state"), replay.text
        assert "access_token" not in replay.text
    assert app.provider.token_requests(app.client.client_id) == 1
    assert linked_accounts(api, project) == [account]


def test_concurrent_callbacks_with_one_state_link_once(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    path = callback_path(consent(app, start_link(api, app)))
    start = threading.Barrier(8)

    def call(_: int) -> int:
        with httpx.Client(base_url=str(api.base_url), timeout=30) as client:
            start.wait()
            response = client.get(path)
            assert response.status_code == 200 or response.json()["code"] == "invalid_state", response.text
            return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(call, range(8)))

    assert statuses == [200] + [400] * 7
    assert app.provider.token_requests(app.client.client_id) == 1
    assert len(linked_accounts(api, project)) == 1


@pytest.mark.parametrize(
    ("outcome", "status", "reason", "token_requests"),
    [
        ("access_denied", 400, "access_denied", 0),
        ("issuer_mismatch", 400, "issuer_mismatch", 0),
        ("no_code", 400, "invalid_input", 0),
        ("invalid_grant", 400, "invalid_grant", 1),
        ("broken_token_response", 502, "provider_error", 1),
    ],
)
def test_a_state_is_used_up_whatever_the_outcome(
    api: httpx.Client,
    project: Project,
    make_app,
    other_oidc_provider: OidcProvider,
    outcome: str,
    status: int,
    reason: str,
    token_requests: int,
):
    app = make_app(project)
    authorization_url = start_link(api, app)
    failing = query_of(consent(app, authorization_url, allow=outcome != "access_denied"))
    # The user consents again to the same authorization request: a genuine code for the same state
    # and PKCE challenge, which would link the account if the state were still usable.
    genuine = query_of(consent(app, authorization_url))
    assert genuine["state"] == failing["state"]
    match outcome:
        case "issuer_mismatch":
            failing["iss"] = other_oidc_provider.issuer
        case "no_code":
            del failing["code"]
        case "invalid_grant":
            app.provider.set_knobs(
                app.client.client_id, fail_status=400, fail_body='{"error":"invalid_grant"}'
            )
        case "broken_token_response":
            app.provider.set_knobs(app.client.client_id, response_patch={"access_token": None})

    first = deliver(api, "aci", app_name=app.app_name, project=project, params=failing)
    app.provider.reset_knobs(app.client.client_id)
    retry = deliver(api, "aci", app_name=app.app_name, project=project, params=genuine)

    assert (first.status, first.reason) == (status, reason), first.text
    assert (retry.status, retry.reason) == (400, "invalid_state"), retry.text
    assert app.provider.token_requests(app.client.client_id) == token_requests
    assert linked_accounts(api, project) == []


@pytest.mark.parametrize("described", [True, False], ids=["with description", "without description"])
@pytest.mark.parametrize("face", FACES)
def test_a_providers_refusal_uses_up_the_state_on_every_face(
    api: httpx.Client, project: Project, make_app, face: str, described: bool
):
    """RFC 6749 §4.1.2.1: the user declines, the provider redirects with ``error=access_denied`` (and its
    own ``error_description``, or none) and no ``code``. Every face answers its documented 400 with the
    provider's code, relays none of its text, and the state is then used up."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    authorization_url = start_link(api, app)
    refusal = query_of(consent(app, authorization_url, allow=False))
    assert refusal["error"] == "access_denied" and "code" not in refusal, refusal
    description = refusal.pop("error_description", "")
    assert description, "the test provider explains its refusal; the faces must not repeat it"
    if described:
        refusal["error_description"] = description
    # The user then consents to the same authorization request: a genuine code for the same state.
    genuine = query_of(consent(app, authorization_url))
    assert genuine["state"] == refusal["state"]

    refused = deliver(api, face, app_name=app.app_name, project=project, params=refusal)
    retry = deliver(api, face, app_name=app.app_name, project=project, params=genuine)

    assert (refused.status, refused.reason) == (400, "access_denied"), refused.text
    assert description not in refused.text
    assert (retry.status, retry.reason) == (400, "invalid_state"), retry.text
    assert app.provider.token_requests(app.client.client_id) == 0
    assert linked_accounts(api, project) == []


def test_an_expired_state_is_refused_by_every_face(
    migrated: Settings, project: Project, oidc_provider: OidcProvider
):
    """Run in-process on a clock the test moves, rather than sleeping through a real TTL."""
    client = oidc_provider.register_client(redirect_uris=[FRONTEND_CALLBACK])
    app = SimpleNamespace(
        app_name="expiring", project=project, provider=oidc_provider, client=client,
        redirect_uri=FRONTEND_CALLBACK,
    )  # fmt: skip
    ttl = migrated.state_ttl_seconds
    with in_process(migrated) as linkvault:
        api = linkvault.http
        created = api.post(
            "/v1/app-configurations",
            json={
                "app_name": app.app_name,
                "issuer": oidc_provider.issuer,
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "scopes": ["openid"],
                "redirect_uri": FRONTEND_CALLBACK,
            },
            headers=project.headers,
        )
        assert created.status_code == 201, created.text
        # Each face gets its own link; one more is finished a second before its expiry, to show the
        # setup works and the state lives its whole TTL.
        started = {face: start_link(api, app, owner=face) for face in FACES}
        pending = {face: query_of(consent(app, url)) for face, url in started.items()}
        in_time = query_of(consent(app, start_link(api, app, owner="in-time")))
        linkvault.clock.advance(ttl - 1)
        assert deliver(api, "aci", app_name=app.app_name, project=project, params=in_time).status == 200

        linkvault.clock.advance(1)
        answers = {
            face: deliver(api, face, app_name=app.app_name, project=project, params=params)
            for face, params in pending.items()
        }

        for face, answer in answers.items():
            assert (answer.status, answer.reason) == (400, "invalid_state"), (face, answer.text)
        assert oidc_provider.token_requests(client.client_id) == 1
        assert [item["linked_account_owner_id"] for item in linked_accounts(api, project)] == ["in-time"]


def _refused_states(genuine: str) -> dict[str, str]:
    flipped = genuine[:-2] + ("A" if genuine[-2] != "A" else "B") + genuine[-1]
    return {
        "empty": "",
        "short": "abc",
        "forged": secrets.token_urlsafe(32),
        "one character off": flipped,
        "one character more": genuine + "A",
        "upper-cased": genuine.upper() if genuine.upper() != genuine else genuine.lower(),
        # What the database holds: a copy of the stored hash is not a state.
        "stored hash": hashlib.sha256(genuine.encode()).hexdigest(),
        "padded": genuine + "=",
    }


@pytest.mark.parametrize("face", FACES)
def test_unknown_empty_and_forged_states_are_refused_by_every_face(
    api: httpx.Client, project: Project, make_app, face: str
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    genuine = query_of(consent(app, start_link(api, app)))

    answers = {
        kind: deliver(api, face, app_name=app.app_name, project=project, params={**genuine, "state": state})
        for kind, state in _refused_states(genuine["state"]).items()
    }

    for kind, answer in answers.items():
        assert (answer.status, answer.reason) == (400, "invalid_state"), (kind, answer.text)
    assert app.provider.token_requests(app.client.client_id) == 0
    assert linked_accounts(api, project) == []
    _finishes(api, face, app, genuine)


def test_a_callback_without_a_state_is_refused(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    genuine = query_of(consent(app, start_link(api, app)))

    answers = [
        deliver(api, face, app_name=app.app_name, project=project, params={"code": genuine["code"]})
        for face in ("aci", "peaka")
    ]

    for answer in answers:
        assert (answer.status, answer.reason) == (400, "invalid_state"), answer.text
    assert app.provider.token_requests(app.client.client_id) == 0
    assert linked_accounts(api, project) == []
    _finishes(api, "aci", app, genuine)


@pytest.mark.parametrize("face", AUTHENTICATED_FACES)
def test_another_projects_state_is_refused_and_not_used_up(
    api: httpx.Client, project: Project, other_project: Project, make_app, face: str
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    genuine = query_of(consent(app, start_link(api, app, owner="victim")))
    # The other project has an app of the same name, so only the state's project can tell them apart.
    make_app(other_project, redirect_uri=FRONTEND_CALLBACK, app_name=app.app_name)

    foreign = deliver(api, face, app_name=app.app_name, project=other_project, params=genuine)

    assert (foreign.status, foreign.reason) == (400, "invalid_state"), foreign.text
    assert "access_token" not in foreign.text
    assert app.provider.token_requests(app.client.client_id) == 0
    assert linked_accounts(api, project) == []
    assert linked_accounts(api, other_project) == []
    _finishes(api, face, app, genuine)
    assert [item["linked_account_owner_id"] for item in linked_accounts(api, project)] == ["victim"]
    assert linked_accounts(api, other_project) == []


def test_peaka_refuses_a_callback_posted_to_another_projects_path(
    api: httpx.Client, project: Project, other_project: Project, make_app
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    genuine = query_of(consent(app, start_link(api, app)))

    response = api.post(
        f"/connections/{project.id}/oauth2",
        json={"queryParameters": f"code={genuine['code']}&state={genuine['state']}&iss={genuine['iss']}"},
        headers=other_project.headers,
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert app.provider.token_requests(app.client.client_id) == 0
    _finishes(api, "peaka", app, genuine)


@pytest.mark.parametrize("face", ["aci", "quiva"])
def test_head_on_a_get_callback_is_refused_and_leaves_the_state_usable(
    api: httpx.Client, project: Project, make_app, face: str
):
    """A link preview or a mail scanner may send HEAD to the URL the provider redirected to."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    genuine = query_of(consent(app, start_link(api, app)))
    path = "/v1/linked-accounts/oauth2/callback" if face == "aci" else "/hub/integrations/oauth-callback"

    response = api.head(path, params=genuine, headers=project.headers)

    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert app.provider.token_requests(app.client.client_id) == 0
    _finishes(api, face, app, genuine)


@pytest.mark.parametrize("face", ["aci", "peaka", "quiva"])
def test_a_callback_that_is_not_utf8_is_refused_and_leaves_the_state_usable(
    api: httpx.Client, project: Project, make_app, face: str
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    genuine = query_of(consent(app, start_link(api, app)))
    raw = f"code=%ff&state={genuine['state']}&iss={genuine['iss']}"

    if face == "peaka":
        response = api.post(
            f"/connections/{project.id}/oauth2", json={"queryParameters": raw}, headers=project.headers
        )
    else:
        path = "/v1/linked-accounts/oauth2/callback" if face == "aci" else "/hub/integrations/oauth-callback"
        response = api.get(f"{path}?{raw}", headers=project.headers)

    assert response.status_code == 400, response.text
    if face == "quiva":  # its own error shape, the code alone
        assert response.json()["error"] == "invalid_request"
    else:
        assert response.json()["code"] == "invalid_request" and "UTF-8" in response.json()["detail"]
    assert app.provider.token_requests(app.client.client_id) == 0
    _finishes(api, face, app, genuine)


def test_langsmith_refuses_a_state_of_another_app_and_leaves_it_usable(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    other = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    genuine = query_of(consent(app, start_link(api, app)))

    wrong_app = deliver(api, "langsmith", app_name=other.app_name, project=project, params=genuine)

    assert (wrong_app.status, wrong_app.reason) == (400, "invalid_state"), wrong_app.text
    assert app.provider.token_requests(app.client.client_id) == 0
    assert other.provider.token_requests(other.client.client_id) == 0
    assert linked_accounts(api, project) == []
    _finishes(api, "langsmith", app, genuine)
