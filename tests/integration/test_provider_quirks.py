"""Every token response quirk of the catalog, linked end to end and refreshed against a fake provider
that speaks it: the catalog entry is named by the app configuration, its endpoints overridden with the
fake provider's loopback ones, and the link runs through linkvault's own callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from support.faces import callback_path
from support.fake_provider import Answer, FakeApp, FakeProvider, Grant, create_fake_app
from support.flows import query_of, start_link
from support.projects import Project
from support.witness import linked_accounts


def _scripted(first: Any, refreshed: Any = None) -> Callable[[Grant], Answer]:
    """The code grant answers ``first``, the refresh grant ``refreshed`` (each an Answer or a body)."""

    def script(grant: Grant) -> Answer:
        body = first if grant.grant_type == "authorization_code" else refreshed
        return body if isinstance(body, Answer) else Answer(body)

    return script


def _link(api: httpx.Client, app: FakeApp, owner: str = "owner-1") -> httpx.Response:
    """Start a link, consent at the fake provider, and deliver its redirect to the GET callback."""
    redirect = app.provider.authorize(start_link(api, app, owner=owner))
    return api.get(callback_path(redirect))


def _credentials(api: httpx.Client, app: FakeApp, account_id: str, *, force: bool = False) -> dict[str, Any]:
    if force:
        response = api.post(f"/v1/linked-accounts/{account_id}/refresh", headers=app.project.headers)
    else:
        response = api.get(f"/v1/linked-accounts/{account_id}/credentials", headers=app.project.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


SLACK_BOT = {
    "ok": True,
    "access_token": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
    "token_type": "bot",
    "scope": "commands,incoming-webhook",
    "bot_user_id": "U0KRQLJ9H",
    "app_id": "A0KRD7HC3",
    "team": {"name": "Slack Softball Team", "id": "T9TK3CUKW"},
    "refresh_token": "xoxe-1-bot",
    "expires_in": 43200,
}
SLACK_USER = {
    "ok": True,
    "app_id": "A0KRD7HC3",
    "authed_user": {
        "id": "U1234",
        "scope": "chat:write,search:read",
        "access_token": "xoxp-1234",
        "token_type": "user",
        "refresh_token": "xoxe-1-user",
        "expires_in": 43200,
    },
    "team": {"id": "T9TK3CUKW"},
}


@pytest.mark.parametrize(
    ("provider", "fields", "first", "refreshed", "linked", "after_refresh"),
    [
        pytest.param(
            "slack", {"scopes": ["commands", "incoming-webhook"]},
            SLACK_BOT, {**SLACK_BOT, "access_token": "xoxb-2", "refresh_token": "xoxe-2"},
            (SLACK_BOT["access_token"], "commands incoming-webhook", True),
            ("xoxb-2", "commands incoming-webhook", True),
            id="slack-bot-token-type",
        ),
        pytest.param(
            "slack", {"scopes": [], "authorize_params": {"user_scope": "chat:write,search:read"}},
            SLACK_USER,
            # A user token's refresh answers at the top level, with token_type "user".
            {"ok": True, "access_token": "xoxp-5678", "token_type": "user", "expires_in": 43200,
             "refresh_token": "xoxe-2-user", "scope": "chat:write,search:read"},
            ("xoxp-1234", "chat:write search:read", True),
            ("xoxp-5678", "chat:write search:read", True),
            id="slack-user-token-under-authed_user",
        ),
        pytest.param(
            "twitch", {},
            {"access_token": "twitch-1", "token_type": "bearer", "expires_in": 14124,
             "refresh_token": "twitch-r1", "scope": ["user:read:email", "chat:read"]},
            {"access_token": "twitch-2", "token_type": "bearer", "expires_in": "14124",
             "refresh_token": "twitch-r2", "scope": ["user:read:email"]},
            ("twitch-1", "user:read:email chat:read", True),
            ("twitch-2", "user:read:email", True),
            id="lower-case-bearer-and-scope-array",
        ),
        pytest.param(
            "shopify", {"provider_params": {"shop": "my-shop"}},
            {"access_token": "shpat_1", "scope": "read_products,write_orders"}, None,
            ("shpat_1", "read_products write_orders", False), None,
            id="no-token-type",
        ),
        pytest.param(
            "github", {"scopes": ["repo", "gist"]},
            Answer(b"access_token=gho_1&scope=repo%2Cgist&token_type=bearer&expires_in=28800"
                   b"&refresh_token=ghr_1&refresh_token_expires_in=15811200",
                   content_type="application/x-www-form-urlencoded; charset=utf-8"),
            Answer(b"access_token=gho_2&scope=repo%2Cgist&token_type=bearer&expires_in=28800"
                   b"&refresh_token=ghr_2", content_type="application/x-www-form-urlencoded"),
            ("gho_1", "repo gist", True),
            ("gho_2", "repo gist", True),
            id="form-encoded-and-digit-string-expires_in",
        ),
        pytest.param(
            "stripe", {},
            {"access_token": "sk_test_1", "token_type": "bearer", "scope": "read_write", "livemode": False,
             "refresh_token": "rt_1", "stripe_user_id": "acct_1", "stripe_publishable_key": "pk_test_1"},
            {"access_token": "sk_test_2", "token_type": "bearer", "scope": "read_write", "livemode": False,
             "refresh_token": "rt_2", "stripe_user_id": "acct_1"},
            ("sk_test_1", "read_write", False),
            ("sk_test_2", "read_write", False),
            id="no-expires_in-does-not-expire",
        ),
        pytest.param(
            "mailchimp", {"scopes": []},
            {"access_token": "mc-1", "token_type": "bearer", "expires_in": 0, "scope": None}, None,
            ("mc-1", None, False), None,
            id="zero-expires_in-does-not-expire",
        ),
    ],
)  # fmt: skip
def test_a_quirky_token_response_links_and_refreshes(
    api: httpx.Client,
    project: Project,
    fake_provider: FakeProvider,
    provider: str,
    fields: dict[str, Any],
    first: Any,
    refreshed: Any,
    linked: tuple[str, str | None, bool],
    after_refresh: tuple[str, str | None, bool] | None,
):
    app = create_fake_app(
        api, project, fake_provider, _scripted(first, refreshed), provider=provider, **fields
    )

    response = _link(api, app)

    assert response.status_code == 200, response.text
    assert "token" not in response.text.lower()
    account_id = response.json()["id"]
    credentials = _credentials(api, app, account_id)
    access_token, scope, expires = linked
    assert credentials["access_token"] == access_token
    assert credentials["token_type"] == "Bearer"
    assert credentials["scope"] == scope
    assert (credentials["expires_at"] is not None) == expires
    if after_refresh is None:
        return
    refreshed_credentials = _credentials(api, app, account_id, force=True)
    access_token, scope, expires = after_refresh
    assert refreshed_credentials["access_token"] == access_token
    assert refreshed_credentials["token_type"] == "Bearer"
    assert refreshed_credentials["scope"] == scope
    assert (refreshed_credentials["expires_at"] is not None) == expires
    assert refreshed_credentials["sequence"] == credentials["sequence"] + 1
    assert [grant.grant_type for grant in fake_provider.grants(app.client_id)] == [
        "authorization_code",
        "refresh_token",
    ]


def test_the_catalog_scope_separator_is_used_in_the_authorization_request(
    api: httpx.Client, project: Project, fake_provider: FakeProvider
):
    slack = create_fake_app(
        api, project, fake_provider, _scripted(SLACK_BOT), provider="slack", scopes=["commands", "chat:write"]
    )
    plain = create_fake_app(api, project, fake_provider, _scripted(SLACK_BOT), scopes=["a", "b"])

    assert query_of(start_link(api, slack))["scope"] == "commands,chat:write"
    assert query_of(start_link(api, plain))["scope"] == "a b"


@pytest.mark.parametrize(
    ("provider", "answer"),
    [
        pytest.param("github", {"error": "bad_verification_code",
                                "error_description": "The code passed is incorrect or expired.",
                                "error_uri": "https://docs.github.com/apps/troubleshooting"},
                     id="github-bad_verification_code"),
        pytest.param("github", Answer(b"error=bad_verification_code&error_description=The+code+passed",
                                      content_type="application/x-www-form-urlencoded"),
                     id="github-form-encoded-error"),
        pytest.param("slack", {"ok": False, "error": "invalid_code"}, id="slack-invalid_code"),
        pytest.param(None, {"error": "invalid_grant"}, id="any-provider-invalid_grant-with-200"),
    ],
)  # fmt: skip
def test_an_error_answered_with_http_200_is_a_refused_grant(
    api: httpx.Client, project: Project, fake_provider: FakeProvider, provider: str | None, answer: Any
):
    fields = {"provider": provider} if provider else {}
    app = create_fake_app(api, project, fake_provider, _scripted(answer), **fields)
    redirect = app.provider.authorize(start_link(api, app))

    response = api.get(callback_path(redirect))
    replay = api.get(callback_path(redirect))

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_grant"
    assert "incorrect" not in response.text and "docs.github.com" not in response.text
    assert replay.json()["code"] == "invalid_state"  # the state is used up
    assert linked_accounts(api, project, app_name=app.app_name) == []


def test_a_refresh_refused_with_http_200_needs_reauthorization(
    api: httpx.Client, project: Project, fake_provider: FakeProvider
):
    app = create_fake_app(
        api, project, fake_provider, _scripted(SLACK_BOT, {"ok": False, "error": "invalid_refresh_token"}),
        provider="slack",
    )  # fmt: skip
    account_id = _link(api, app).json()["id"]

    refused = api.post(f"/v1/linked-accounts/{account_id}/refresh", headers=project.headers)

    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "needs_reauth"
    account = api.get(f"/v1/linked-accounts/{account_id}", headers=project.headers).json()
    assert account["status"] == "needs_reauth"


@pytest.mark.parametrize(
    ("provider", "answer"),
    [
        pytest.param(None, {"access_token": "x", "token_type": "bot"}, id="unknown-provider-bot"),
        pytest.param(None, {"access_token": "x"}, id="unknown-provider-no-token-type"),
        pytest.param("github", {"access_token": "x", "token_type": "bot"}, id="github-bot"),
        pytest.param("slack", {"ok": True, "access_token": "x", "token_type": "mac"}, id="slack-mac"),
        pytest.param(None, {"authed_user": {"access_token": "x", "token_type": "Bearer"}},
                     id="unknown-provider-authed_user"),
    ],
)  # fmt: skip
def test_a_token_type_the_catalog_does_not_name_is_still_refused(
    api: httpx.Client, project: Project, fake_provider: FakeProvider, provider: str | None, answer: Any
):
    """RFC 6749 §7.1: a client must not use a token whose type it does not understand."""
    fields = {"provider": provider} if provider else {}
    app = create_fake_app(api, project, fake_provider, _scripted(answer), **fields)

    response = _link(api, app)

    assert response.status_code == 502, response.text
    assert response.json()["code"] == "provider_error"
    assert linked_accounts(api, project, app_name=app.app_name) == []


def test_a_form_encoded_answer_is_refused_where_the_catalog_does_not_allow_it(
    api: httpx.Client, project: Project, fake_provider: FakeProvider
):
    form = Answer(
        urlencode({"access_token": "x", "token_type": "bearer"}).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    app = create_fake_app(api, project, fake_provider, _scripted(form), provider="slack")

    response = _link(api, app)

    assert response.status_code == 502, response.text


def test_an_answer_without_scope_grants_the_requested_scope_for_any_provider(
    api: httpx.Client, project: Project, fake_provider: FakeProvider
):
    """RFC 6749 §5.1: the scope is omitted when it is the one requested; that scope is stored, and a
    refresh answered without scope keeps it."""
    answer = {"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-1"}
    app = create_fake_app(
        api, project, fake_provider, _scripted(answer, {**answer, "access_token": "at-2"}),
        scopes=["contacts.read", "calendar"],
    )  # fmt: skip
    account_id = _link(api, app).json()["id"]

    assert _credentials(api, app, account_id)["scope"] == "contacts.read calendar"
    refreshed = _credentials(api, app, account_id, force=True)
    assert (refreshed["access_token"], refreshed["scope"]) == ("at-2", "contacts.read calendar")


def test_the_scope_asked_for_at_start_is_granted_even_if_the_app_changes_before_the_callback(
    api: httpx.Client, project: Project, fake_provider: FakeProvider
):
    answer = {"access_token": "at-1", "token_type": "Bearer"}
    app = create_fake_app(api, project, fake_provider, _scripted(answer), scopes=["first"])
    redirect = app.provider.authorize(start_link(api, app))
    changed = api.patch(
        f"/v1/app-configurations/{app.app_name}", json={"scopes": ["second"]}, headers=project.headers
    )
    assert changed.status_code == 200, changed.text

    account_id = api.get(callback_path(redirect)).json()["id"]

    assert _credentials(api, app, account_id)["scope"] == "first"


@pytest.mark.parametrize(
    ("provider", "params"),
    [("zendesk", {"subdomain": "acme"}), ("atlassian", {})],
)
def test_a_provider_documenting_json_token_requests_gets_them_for_the_code_and_the_refresh(
    api: httpx.Client, project: Project, fake_provider: FakeProvider, provider: str, params: dict[str, str]
):
    tokens = {"access_token": "at-1", "token_type": "bearer", "expires_in": 7200, "refresh_token": "rt-1"}
    renewed = {**tokens, "access_token": "at-2", "refresh_token": "rt-2"}
    app = create_fake_app(
        api, project, fake_provider, _scripted(tokens, renewed), json_request=True,
        provider=provider, provider_params=params, token_endpoint_auth_method="client_secret_post",
    )  # fmt: skip

    response = _link(api, app)

    assert response.status_code == 200, response.text
    account_id = response.json()["id"]
    assert _credentials(api, app, account_id)["access_token"] == "at-1"
    assert _credentials(api, app, account_id, force=True)["access_token"] == "at-2"
    code_grant, refresh_grant = fake_provider.grants(app.client_id)
    assert code_grant.form["client_secret"] == "fake-secret" and "code_verifier" in code_grant.form
    assert refresh_grant.form["refresh_token"] == "rt-1"


def test_a_provider_without_the_json_quirk_gets_the_rfc_form(
    api: httpx.Client, project: Project, fake_provider: FakeProvider
):
    """The fake client refuses a form; an app naming no catalog entry sends one (RFC 6749 §4.1.3)."""
    tokens = {"access_token": "at-1", "token_type": "Bearer"}
    app = create_fake_app(api, project, fake_provider, _scripted(tokens), json_request=True)

    response = _link(api, app)

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_request"
