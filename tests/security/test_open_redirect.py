"""No open redirector (RFC 9700 §4.11): the post-link ``after_oauth2_link_redirect_url`` must be under an
allow-listed URL when the link starts, is stored with the state, and is the only place the callback
sends the user, without any code, state or token in the ``Location``: after a link, or after any
failure once the state is validated (with an RFC 6749 §4.1.2.1 ``error``); never for a state that
cannot be validated.
"""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from linkvault.settings import Settings
from support.faces import callback_path
from support.flows import consent, query_of, start_link
from support.projects import Project, create_project
from support.redirects import (
    ALLOWED_REDIRECT,
    ALLOWED_REDIRECTS,
    CASE_VARIANTS,
    LOOPBACK_REDIRECT,
    REFUSED_REDIRECTS,
)
from support.server import RunningServer
from support.witness import link_state_count, linked_accounts


def _start_with_redirect(api: httpx.Client, app, url: str) -> httpx.Response:
    """Start a link that is to send the user to ``url`` afterwards."""
    params = {"app_name": app.app_name, "linked_account_owner_id": "u", "after_oauth2_link_redirect_url": url}
    return api.get("/v1/linked-accounts/oauth2", params=params, headers=app.project.headers)


@pytest.fixture
def app(project: Project, make_app):
    return make_app(project, allowed_redirect_urls=ALLOWED_REDIRECTS)


@pytest.fixture(scope="module")
def refusing_app(migrated: Settings, linkvault_server: RunningServer) -> SimpleNamespace:
    """One app, with the allow-list, for every refused URL: only its start is asked for, so it needs
    no provider, and one app for all of them keeps the many cases cheap."""
    app = SimpleNamespace(app_name="refusing", project=create_project(migrated, name="open-redirect"))
    body = {
        "app_name": app.app_name,
        "client_id": "c",
        "authorize_url": "https://provider.example/authorize",
        "token_url": "https://provider.example/token",
        "allowed_redirect_urls": ALLOWED_REDIRECTS,
    }
    created = httpx.post(
        f"{linkvault_server.base_url}/v1/app-configurations", json=body, headers=app.project.headers
    )
    assert created.status_code == 201, created.text
    return app


@pytest.mark.parametrize("url", REFUSED_REDIRECTS.values(), ids=REFUSED_REDIRECTS.keys())
def test_a_post_link_url_outside_the_allow_list_is_refused_at_start_and_nothing_is_stored(
    api: httpx.Client, refusing_app: SimpleNamespace, migrated: Settings, url: str
):
    app = refusing_app
    states_before = link_state_count(migrated.database_url)

    response = _start_with_redirect(api, app, url)

    if len(str(response.request.url.raw_path)) > Settings.model_fields["max_url_length"].default:
        # Longer than any request target the server reads (LINKVAULT_MAX_URL_LENGTH).
        assert (response.status_code, response.json()["code"]) == (414, "uri_too_long"), response.text
    else:
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/json")
        [detail] = response.json()["detail"]
        assert detail["loc"] == ["query", "after_oauth2_link_redirect_url"]
        assert {"loc", "msg", "type"} <= set(detail)
    assert "url" not in response.json()
    assert link_state_count(migrated.database_url) == states_before
    # The allow-listed URL still works (the whole link with it is below).
    start_link(api, app, after_oauth2_link_redirect_url=ALLOWED_REDIRECT + "/done")
    assert link_state_count(migrated.database_url) == states_before + 1


def test_no_post_link_url_is_accepted_without_an_allow_list(api: httpx.Client, project: Project, make_app):
    app = make_app(project)

    response = _start_with_redirect(api, app, ALLOWED_REDIRECT)

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", "after_oauth2_link_redirect_url"]


def test_the_callback_redirects_only_where_the_stored_state_says(api: httpx.Client, project: Project, app):
    target = ALLOWED_REDIRECT + "/done?tab=accounts"
    redirect = consent(app, start_link(api, app, after_oauth2_link_redirect_url=target))
    params = query_of(redirect)
    smuggled = {
        "after_oauth2_link_redirect_url": "https://evil.example",
        "redirect_uri": "https://evil.example",
        "redirect": "https://evil.example",
        "next": "https://evil.example",
        "return_to": "https://evil.example",
    }

    response = api.get(callback_path(redirect, smuggled))

    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location == target
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    # Nothing of the authorization response travels on to the post-link page.
    for secret in (params["code"], params["state"]):
        assert secret not in location and secret not in response.text
    assert not {"code", "state", "access_token", "refresh_token", "token", "id_token"} & set(
        query_of(location)
    )
    assert "access_token" not in response.text
    assert len(linked_accounts(api, project)) == 1


def test_a_callback_parameter_cannot_add_a_redirect_to_a_link_that_has_none(
    api: httpx.Client, project: Project, app
):
    redirect = consent(app, start_link(api, app))

    response = api.get(callback_path(redirect, {"after_oauth2_link_redirect_url": ALLOWED_REDIRECT}))

    assert response.status_code == 200, response.text
    assert "location" not in response.headers


def test_a_declined_link_sends_the_user_back_with_access_denied_and_nothing_else(
    api: httpx.Client, project: Project, app
):
    """RFC 6749 §4.1.2.1: the application learns that the user declined, by the standard code only;
    its own parameters stay, and nothing of the provider's answer travels on."""
    target = ALLOWED_REDIRECT + "/done?tab=accounts&error=stale"
    redirect = consent(app, start_link(api, app, after_oauth2_link_redirect_url=target), allow=False)
    params = query_of(redirect)
    assert params["error_description"], "the test provider explains its refusal"

    response = api.get(callback_path(redirect))

    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert (
        location
        == ALLOWED_REDIRECT + "/done?tab=accounts&error=access_denied&error_description=access_denied"
    )
    assert response.headers["referrer-policy"] == "no-referrer"
    for value in (params["state"], params["error_description"], params["iss"]):
        assert value not in location and value not in response.text
    assert linked_accounts(api, project) == []
    # The state is used up: the same callback again is refused here, and sends no one anywhere.
    again = api.get(callback_path(redirect))
    assert (again.status_code, again.json()["code"]) == (400, "invalid_state")
    assert "location" not in again.headers


@pytest.mark.parametrize(
    ("failure", "error", "code"),
    [
        ("unknown provider error", "server_error", "provider_error"),
        ("issuer mismatch", "server_error", "issuer_mismatch"),
        ("no code", "server_error", "invalid_input"),
        ("code refused", "server_error", "invalid_grant"),
        ("provider down", "temporarily_unavailable", "provider_error"),
    ],
)
def test_every_failure_after_a_valid_state_sends_the_user_back_with_an_rfc_6749_code(
    api: httpx.Client, project: Project, app, other_oidc_provider, failure: str, error: str, code: str
):
    """Once the state is validated, the stored post-link URL is where the user goes, whatever failed;
    ``error`` is one of RFC 6749 §4.1.2.1's seven codes, ``error_description`` the JSON faces' code."""
    redirect = consent(app, start_link(api, app, after_oauth2_link_redirect_url=LOOPBACK_REDIRECT))
    params = query_of(redirect)
    match failure:
        case "unknown provider error":
            params = {**params, "error": "<script>alert(1)</script>"}
            del params["code"]
        case "issuer mismatch":
            params["iss"] = other_oidc_provider.issuer
        case "no code":
            del params["code"]
        case "code refused":
            app.provider.set_knobs(
                app.client.client_id, fail_status=400, fail_body='{"error":"invalid_grant"}'
            )
        case "provider down":
            app.provider.set_knobs(app.client.client_id, fail_status=503, fail_body="<h1>maintenance</h1>")

    response = api.get("/v1/linked-accounts/oauth2/callback", params=params)
    app.provider.reset_knobs(app.client.client_id)

    assert response.status_code == 302, response.text
    assert response.headers["location"] == f"{LOOPBACK_REDIRECT}?error={error}&error_description={code}"
    assert linked_accounts(api, project) == []


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_state_that_cannot_be_validated_is_never_redirected(
    api: httpx.Client, project: Project, app, accept: str
):
    """An unknown, forged or used state names no trustworthy URL: it is answered where it arrived,
    even when the link it imitates, or once belonged to, had a post-link URL."""
    redirect = consent(app, start_link(api, app, after_oauth2_link_redirect_url=ALLOWED_REDIRECT))
    params = query_of(redirect)
    assert api.get(callback_path(redirect)).status_code == 302
    forged = {**params, "state": params["state"][:-1] + ("A" if params["state"][-1] != "A" else "B")}

    answers = [
        api.get("/v1/linked-accounts/oauth2/callback", params=sent, headers={"Accept": accept})
        for sent in (params, forged, {"error": "access_denied", "state": forged["state"]})
    ]

    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert "location" not in answer.headers
        assert answer.headers["content-type"].startswith(
            "text/html" if accept == "text/html" else "application/problem+json"
        )
        assert ALLOWED_REDIRECT not in answer.text


@pytest.mark.parametrize(
    "entry",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "//evil.example",
        "http://evil.example/linked",
        "https://user@evil.example/linked",
        "https:/\\evil.com",
        "https://evil.example/linked#x",
    ],
)
def test_an_unsafe_allow_list_entry_is_refused(api: httpx.Client, project: Project, make_app, entry: str):
    app = make_app(project)

    response = api.patch(
        f"/v1/app-configurations/{app.app_name}",
        json={"allowed_redirect_urls": [ALLOWED_REDIRECT, entry]},
        headers=project.headers,
    )

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_input"
    stored = api.get(f"/v1/app-configurations/{app.app_name}", headers=project.headers).json()
    assert stored["allowed_redirect_urls"] == []


def test_the_scheme_and_host_of_a_post_link_url_compare_case_insensitively(
    api: httpx.Client, project: Project, make_app
):
    """RFC 3986 §6.2.2.1: ``HTTP://127.0.0.1/done`` is the allow-listed ``http://127.0.0.1/done``,
    and the user is sent to the URL as the application wrote it."""
    app = make_app(project, allowed_redirect_urls=["http://127.0.0.1/done", *ALLOWED_REDIRECTS])
    for url in ["HTTP://127.0.0.1/done", *CASE_VARIANTS.values()]:
        assert _start_with_redirect(api, app, url).status_code == 200, url
    redirect = consent(app, start_link(api, app, after_oauth2_link_redirect_url="HTTP://127.0.0.1/done"))

    response = api.get(callback_path(redirect))

    assert response.status_code == 302, response.text
    assert response.headers["location"] == "HTTP://127.0.0.1/done"
    # The path is not case-insensitive.
    assert _start_with_redirect(api, app, "http://127.0.0.1/Done").status_code == 422
