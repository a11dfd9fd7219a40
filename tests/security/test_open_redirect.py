"""No open redirector (RFC 9700 §4.11): the post-link ``after_oauth2_link_redirect_url`` must be under an
allow-listed URL when the link starts, is stored with the state, and is the only place the callback
sends the user, without any code, state or token in the ``Location``.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest

from support.faces import callback_path
from support.flows import consent, query_of, start_link
from support.projects import Project
from support.witness import link_state_count, linked_accounts

ALLOWED = "https://allowed.example/linked"

REFUSED = {
    "javascript": "javascript:alert(1)",
    "javascript with slashes": "javascript://allowed.example/linked%0aalert(1)",
    "data": "data:text/html,x",
    "protocol-relative": "//evil.example",
    "relative path": "/linked/done",
    "suffix domain": "https://allowed.example.evil.com/linked",
    "userinfo": "https://allowed.example@evil.com/linked",
    "userinfo with path": "https://allowed.example/linked@evil.com",
    "backslash": "https:/\\evil.com",
    "backslash authority": "https://allowed.example\\@evil.com/linked",
    "plain http": "http://allowed.example/linked",
    "other port": "https://allowed.example:8443/linked",
    "other host": "https://evil.example/linked",
    "trailing dot host": "https://allowed.example./linked",
    "lookalike host": "https://allowed.examp\u217ce/linked",
    "sibling path": "https://allowed.example/linkedin",
    "path escape": "https://allowed.example/linked/../admin",
    "encoded path escape": "https://allowed.example/linked/%2e%2e/admin",
    "encoded slash": "https://allowed.example/linked%2f..%2fadmin",
    "header injection": "https://allowed.example/linked\r\nSet-Cookie: session=evil",
    "tab": "https://allowed.example/linked\t",
    "fragment host": "https://evil.example#https://allowed.example/linked",
    "very long": "https://allowed.example/linked/" + "a" * 10_000,
}


@pytest.fixture
def app(project: Project, make_app):
    return make_app(project, allowed_redirect_urls=[ALLOWED])


@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
def test_a_post_link_url_outside_the_allow_list_is_refused_at_start_and_nothing_is_stored(
    api: httpx.Client, project: Project, app, migrated, url: str
):
    states_before = link_state_count(migrated.database_url)

    response = api.get(
        "/v1/linked-accounts/oauth2",
        params={
            "app_name": app.app_name,
            "linked_account_owner_id": "u",
            "after_oauth2_link_redirect_url": url,
        },
        headers=project.headers,
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/json")
    [detail] = response.json()["detail"]
    assert detail["loc"] == ["query", "after_oauth2_link_redirect_url"]
    assert {"loc", "msg", "type"} <= set(detail)
    assert "url" not in response.json()
    assert link_state_count(migrated.database_url) == states_before
    # The allow-listed URL still works (the whole link with it is below).
    start_link(api, app, after_oauth2_link_redirect_url=ALLOWED + "/done")
    assert link_state_count(migrated.database_url) == states_before + 1


def test_no_post_link_url_is_accepted_without_an_allow_list(api: httpx.Client, project: Project, make_app):
    app = make_app(project)

    response = api.get(
        "/v1/linked-accounts/oauth2",
        params={
            "app_name": app.app_name,
            "linked_account_owner_id": "u",
            "after_oauth2_link_redirect_url": ALLOWED,
        },
        headers=project.headers,
    )

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", "after_oauth2_link_redirect_url"]


def test_the_callback_redirects_only_where_the_stored_state_says(api: httpx.Client, project: Project, app):
    target = ALLOWED + "/done?tab=accounts"
    redirect = consent(app, start_link(api, app, after_oauth2_link_redirect_url=target))
    params = query_of(redirect)
    smuggled = {
        "after_oauth2_link_redirect_url": "https://evil.example",
        "redirect_uri": "https://evil.example",
        "redirect": "https://evil.example",
        "next": "https://evil.example",
        "return_to": "https://evil.example",
    }

    response = api.get(callback_path(redirect) + "&" + urlencode(smuggled))

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

    response = api.get(callback_path(redirect) + "&" + urlencode({"after_oauth2_link_redirect_url": ALLOWED}))

    assert response.status_code == 200, response.text
    assert "location" not in response.headers


def test_a_failed_link_does_not_redirect(api: httpx.Client, project: Project, app):
    redirect = consent(app, start_link(api, app, after_oauth2_link_redirect_url=ALLOWED), allow=False)

    response = api.get(callback_path(redirect))

    assert (response.status_code, response.json()["code"]) == (400, "access_denied")
    assert "location" not in response.headers
    assert linked_accounts(api, project) == []


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
        json={"allowed_redirect_urls": [ALLOWED, entry]},
        headers=project.headers,
    )

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_input"
    stored = api.get(f"/v1/app-configurations/{app.app_name}", headers=project.headers).json()
    assert stored["allowed_redirect_urls"] == []
