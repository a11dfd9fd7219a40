"""Steps of a link as a user and an application perform them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

FRONTEND_CALLBACK = "http://127.0.0.1:9/frontend/callback"


def start_link(api: httpx.Client, app: Any, owner: str = "owner-1", **params: str) -> str:
    response = api.get(
        "/v1/linked-accounts/oauth2",
        params={"app_name": app.app_name, "linked_account_owner_id": owner, **params},
        headers=app.project.headers,
    )
    assert response.status_code == 200, response.text
    url = response.json()["url"]
    assert isinstance(url, str)
    return url


def query_of(url: str) -> dict[str, str]:
    """The query parameters of a URL, each exactly once (blank ones included)."""
    parsed = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert all(len(values) == 1 for values in parsed.values()), url
    return {name: values[0] for name, values in parsed.items()}


def consent(app: Any, authorization_url: str, *, allow: bool = True, login: str = "alice") -> str:
    """The user ``login`` logs in and consents at the provider (each user's code is for their own
    provider account); returns the redirect back to the app."""
    redirect = app.provider.authorize(authorization_url, consent=allow, login=login)
    assert redirect.startswith(app.redirect_uri + "?"), redirect
    return redirect
