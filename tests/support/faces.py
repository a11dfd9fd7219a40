"""The four callback faces, driven the way each seed API's client calls them, so that a security test
can send one authorization response through every face and read one answer.

``aci`` is ACI.dev's unauthenticated GET callback, ``langsmith`` LangSmith's POST, ``peaka`` Peaka's POST
(the query string as ``queryParameters``) and ``quiva`` quiva.ai's authenticated GET, which answers the
tokens themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from support.projects import Project

__all__ = [
    "AUTHENTICATED_FACES",
    "FACES",
    "Answer",
    "callback_path",
    "deliver",
    "deliver_with_state",
    "reason_of",
]

FACES = ("aci", "langsmith", "peaka", "quiva")
# The faces that know the caller's project, and so refuse a state of another project without using it up.
AUTHENTICATED_FACES = ("langsmith", "peaka", "quiva")

_CALLBACK = "/v1/linked-accounts/oauth2/callback"


@dataclass(frozen=True)
class Answer:
    """A face's answer; ``reason`` is the problem's ``code``, quiva.ai's ``error``, or
    ``validation_error`` for a 422 ``HTTPValidationError``."""

    status: int
    reason: str | None
    response: httpx.Response

    @property
    def text(self) -> str:
        return self.response.text


def callback_path(redirect: str, extra: Mapping[str, str] | None = None) -> str:
    """The provider's redirect to linkvault's own callback, as a path for the ``api`` client, with the
    ``extra`` parameters someone appended to it."""
    parts = urlsplit(redirect)
    appended = "&" + urlencode(extra) if extra else ""
    return f"{parts.path}?{parts.query}{appended}"


def deliver(
    api: httpx.Client,
    face: str,
    *,
    app_name: str,
    project: Project,
    params: Mapping[str, str],
) -> Answer:
    """Send an authorization response (``code``, ``state``, ``iss``, ``error``, ...) through ``face``,
    authenticated as ``project`` where the face takes a key."""
    match face:
        case "aci":
            response = api.get(_CALLBACK, params=dict(params))
        case "langsmith":
            # What a frontend passes on from the redirect (an error response has error, no code).
            sent = ("code", "state", "iss", "error", "error_description")
            body = {name: params[name] for name in sent if name in params}
            response = api.post(f"/v2/auth/callback/{app_name}", json=body, headers=project.headers)
        case "peaka":
            response = api.post(
                f"/connections/{project.id}/oauth2",
                json={"queryParameters": urlencode(dict(params))},
                headers={"Authorization": f"Bearer {project.api_key}"},
            )
        case "quiva":
            response = api.get(
                "/hub/integrations/oauth-callback", params=dict(params), headers=project.headers
            )
        case _:
            raise ValueError(f"unknown face {face!r}")
    return Answer(status=response.status_code, reason=reason_of(response), response=response)


def deliver_with_state(
    api: httpx.Client, face: str, app: Any, *, params: Mapping[str, str], state: str
) -> Answer:
    """An authorization response of one flow (``params``: its code, iss, ...) delivered to ``app``'s
    callback with the ``state`` of another flow: a code injection or a mix-up attempt."""
    return deliver(api, face, app_name=app.app_name, project=app.project, params={**params, "state": state})


def reason_of(response: httpx.Response) -> str | None:
    """Why an answer is an error, in whatever shape the operation gives its errors: the problem's
    ``code``, the ``error`` of ``{"error": ...}``, or ``validation_error`` for a 422
    ``HTTPValidationError``; None for a success or an error without a code."""
    if response.is_success or response.is_redirect:
        return None
    content_type = response.headers.get("content-type", "")
    body = (
        response.json() if content_type.startswith(("application/json", "application/problem+json")) else None
    )
    if not isinstance(body, dict):
        return None
    if content_type.startswith("application/problem+json"):
        return body.get("code")
    if response.status_code == 422 and isinstance(body.get("detail"), list):
        return "validation_error"
    error = body.get("error")
    return error if isinstance(error, str) else None
