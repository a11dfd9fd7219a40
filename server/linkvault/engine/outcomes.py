"""What the end user and the application are told about a finished or failed link.

Two audiences, two vocabularies, both fixed here so that no provider text ever reaches either:

- the application, through the post-link redirect: one of the seven RFC 6749 §4.1.2.1 error codes
  (``authorization_error``), so that an application written against any OAuth2 client library
  understands it;
- the end user, on the browser callback's page: one of a few plain outcomes (``outcome_of``).
"""

from __future__ import annotations

import logging
from typing import Final, Literal
from urllib.parse import unquote_plus, urlencode, urlsplit, urlunsplit

from linkvault import errors

__all__ = [
    "AUTHORIZATION_ERRORS",
    "LinkOutcome",
    "authorization_error",
    "error_redirect",
    "log_failure",
    "outcome_of",
]

logger = logging.getLogger(__name__)

# RFC 6749 §4.1.2.1: the error codes of an authorization error response, and nothing else.
AUTHORIZATION_ERRORS: Final = frozenset(
    {
        "access_denied",
        "invalid_request",
        "unauthorized_client",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
    }
)

LinkOutcome = Literal["linked", "denied", "expired", "used", "invalid", "failed", "unavailable"]
"""``linked``; ``denied``: the user (or the provider) refused the authorization; ``expired`` and
``used``: a state of ours that can no longer be used; ``invalid``: a state we never issued, or a
malformed callback; ``failed``: anything else after the user came back; ``unavailable``: the provider
or linkvault's database did not answer, so trying again later may work."""


def authorization_error(exc: BaseException) -> str:
    """The RFC 6749 §4.1.2.1 ``error`` that tells the application why a link failed after its state was
    validated.

    - The provider's own error code, when it is one of the seven (``access_denied`` when the user
      declined consent). Any other provider code (OpenID Connect's ``login_required``, a made-up one)
      is ``server_error``: provider text is never relayed.
    - ``temporarily_unavailable`` when the provider (5xx, timeout) or linkvault's database failed:
      the same link may work later.
    - ``server_error`` for every other failure after the provider's redirect: an issuer mismatch
      (RFC 9207; the provider's own error is then not trusted), no code, a code the token endpoint
      refused, an invalid ID token, a re-link with another user (``account_mismatch``), or a bug.
    """
    if isinstance(exc, errors.ProviderDenied):
        return exc.code if exc.code in AUTHORIZATION_ERRORS else "server_error"
    if isinstance(exc, errors.ProviderError | errors.ServiceUnavailable):
        return "temporarily_unavailable"
    return "server_error"


def outcome_of(exc: BaseException | None) -> LinkOutcome:
    """What the end user's page says about a callback that raised ``exc`` (None: it linked)."""
    match exc:
        case None:
            return "linked"
        case errors.ProviderDenied() if exc.code == "access_denied":
            return "denied"
        case errors.StateExpired():
            return "expired"
        case errors.StateUsed():
            return "used"
        case errors.InvalidState():
            return "invalid"
        case errors.ProviderError() | errors.ServiceUnavailable():
            return "unavailable"
        case _:
            return "failed"


def error_redirect(url: str, exc: BaseException) -> str:
    """The post-link ``url`` with ``error`` set to ``authorization_error(exc)`` and ``error_description``
    to the problem ``code`` the JSON faces answer for it (e.g. ``account_mismatch``), replacing any
    parameters of those names already in the URL and keeping the rest, and the fragment, as they are.

    Both values come from fixed vocabularies (RFC 6749 §4.1.2.1's characters), never provider text.
    ``url`` must be the one stored with a validated state: it was checked against the allow-list at
    start (RFC 9700 §4.11.1), and nothing from the callback's own parameters can change it."""
    code = exc.code if isinstance(exc, errors.LinkvaultError) else "server_error"
    parts = urlsplit(url)
    # The application's own parameters stay byte for byte as it wrote them.
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and unquote_plus(piece.split("=", 1)[0]) not in ("error", "error_description")
    ]
    added = urlencode({"error": authorization_error(exc), "error_description": code})
    return urlunsplit(parts._replace(query="&".join([*kept, added])))


def log_failure(exc: BaseException, *, sent_back_with: str) -> None:
    """One log line for a failed link whose user is sent back to the application: a WARNING with the
    code for an expected failure, an ERROR with the code for a key missing from the configuration, an
    ERROR with the traceback for a bug. No secret is in any."""
    if isinstance(exc, errors.DecryptionError):
        logger.error(
            "link failed (%s); the user is sent back with error=%s; %s",
            exc.code,
            sent_back_with,
            exc.REMEDY,
            extra={"code": exc.code},
        )
    elif isinstance(exc, errors.LinkvaultError):
        logger.warning(
            "link failed (%s); the user is sent back with error=%s",
            exc.code,
            sent_back_with,
            extra={"code": exc.code},
        )
    else:
        logger.error("link failed; the user is sent back with error=%s", sent_back_with, exc_info=exc)
