"""ACI.dev's GET callback as a person's browser meets it: a request that prefers ``text/html`` and came
without a post-link URL gets a small page in plain words (linked, or why not), while API clients keep
the seed's JSON. The page shows fixed words only, and forbids everything but its own style."""

from __future__ import annotations

import re
from types import SimpleNamespace

import httpx
import pytest

from linkvault.settings import Settings
from support.faces import callback_path
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.inprocess import in_process
from support.oidc import OidcProvider
from support.projects import Project
from support.witness import linked_accounts

# What Chromium sends when it follows a link to a page.
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8"
)
CALLBACK = "/v1/linked-accounts/oauth2/callback"


def _shown(page: httpx.Response) -> str:
    """The words a person reads on the page (the title and body text, markup dropped)."""
    body = re.sub(r"<style>.*?</style>", " ", page.text, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def _assert_is_a_page(page: httpx.Response, outcome: str) -> None:
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert f'data-outcome="{outcome}"' in page.text
    policy = page.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-"), policy
    assert "unsafe-inline" not in policy and "script-src" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text


def test_a_browser_is_told_in_plain_words_that_the_account_is_linked(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    redirect = consent(app, start_link(api, app))
    params = query_of(redirect)

    page = api.get(callback_path(redirect), headers={"Accept": BROWSER_ACCEPT})

    assert page.status_code == 200, page.text
    _assert_is_a_page(page, "linked")
    assert "Your account is linked." in _shown(page)
    assert "You can close this tab." in _shown(page)
    token = app.provider.last_token_response(app.client.client_id)
    for secret in (params["code"], params["state"], token["access_token"], token["refresh_token"]):
        assert secret not in page.text
    assert len(linked_accounts(api, project)) == 1


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html"])
def test_an_api_client_still_gets_the_seeds_json(api: httpx.Client, project: Project, make_app, accept):
    app = make_app(project)
    redirect = consent(app, start_link(api, app))
    headers = {"Accept": accept} if accept is not None else {}
    if accept is None:
        api.headers.pop("accept", None)

    answer = api.get(callback_path(redirect), headers=headers)

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["linked_account_owner_id"] == "owner-1"
    assert "content-security-policy" not in answer.headers


@pytest.mark.parametrize(
    ("outcome", "status", "words"),
    [
        ("denied", 400, "access was declined at the provider"),
        ("used", 400, "This link was already used."),
        ("invalid", 400, "This link is not valid"),
        ("failed", 400, "The account could not be linked."),
        ("unavailable", 502, "a service did not answer in time"),
    ],
)
def test_a_browser_is_told_why_the_account_is_not_linked(
    api: httpx.Client, project: Project, make_app, outcome: str, status: int, words: str
):
    app = make_app(project)
    authorization_url = start_link(api, app)
    params = query_of(consent(app, authorization_url, allow=outcome != "denied"))
    match outcome:
        case "denied":
            # Whatever the provider writes, the page says it in linkvault's words.
            params["error_description"] = "<script>alert('pwned')</script> Ask admin@provider"
        case "used":
            assert api.get(CALLBACK, params=params).status_code == 200
        case "invalid":
            params["state"] = params["state"][:-1] + ("A" if params["state"][-1] != "A" else "B")
        case "failed":
            app.provider.set_knobs(
                app.client.client_id, fail_status=400, fail_body='{"error":"invalid_grant"}'
            )
        case "unavailable":
            app.provider.set_knobs(app.client.client_id, fail_status=503, fail_body="<b>down</b>")

    page = api.get(CALLBACK, params=params, headers={"Accept": BROWSER_ACCEPT})
    app.provider.reset_knobs(app.client.client_id)

    assert page.status_code == status, page.text
    _assert_is_a_page(page, outcome)
    assert words in _shown(page)
    for provider_text in ("pwned", "admin@provider", "invalid_grant", "down"):
        assert provider_text not in page.text
    assert params["state"] not in page.text
    assert len(linked_accounts(api, project)) == (1 if outcome == "used" else 0)


def test_a_browser_is_told_that_the_link_expired(
    migrated: Settings, project: Project, oidc_provider: OidcProvider
):
    """In-process, on a clock the test moves past the state's lifetime."""
    client = oidc_provider.register_client(redirect_uris=[FRONTEND_CALLBACK])
    with in_process(migrated) as linkvault:
        api = linkvault.http
        created = api.post(
            "/v1/app-configurations",
            json={
                "app_name": "expiring-page",
                "issuer": oidc_provider.issuer,
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "scopes": ["openid"],
                "redirect_uri": FRONTEND_CALLBACK,
            },
            headers=project.headers,
        )
        assert created.status_code == 201, created.text
        app = SimpleNamespace(
            app_name="expiring-page", project=project, provider=oidc_provider,
            redirect_uri=FRONTEND_CALLBACK,
        )  # fmt: skip
        params = query_of(consent(app, start_link(api, app)))
        linkvault.clock.advance(migrated.state_ttl_seconds)

        page = api.get(CALLBACK, params=params, headers={"Accept": BROWSER_ACCEPT})
        answer = api.get(CALLBACK, params=params)

    assert page.status_code == 400, page.text
    _assert_is_a_page(page, "expired")
    assert "this link expired before it was finished" in _shown(page)
    # An API client reads the seed's code, unchanged.
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_state")
    assert oidc_provider.token_requests(client.client_id) == 0
