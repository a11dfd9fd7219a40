"""linkvault's domain errors; HTTP status codes are chosen only in ``linkvault.api._problems``.

Each class names its stable machine-readable ``code`` (the ``code`` member of the RFC 9457 problem).

LinkvaultError
├── ConfigurationError        settings that cannot work (no encryption key, bad URL)
├── DecryptionError           a stored secret does not open with the configured keys
├── NotFound                  no such resource in the caller's project
├── Conflict                  the change clashes with what exists
│   ├── AccountDisabled       the linked account is disabled: no credentials, no refresh
│   ├── NeedsReauth           the account's grant is dead (invalid_grant): the user must link again
│   └── RefreshUnavailable    a refresh was asked for, but the provider gave no refresh token
├── InvalidInput              a value the caller sent is unacceptable (``field`` names it)
│   └── AddressRefused        a URL the caller sent resolves to an address outbound calls may not reach
├── LinkError                 a link cannot be finished (``code`` says why)
│   ├── InvalidState          unknown, foreign or malformed state
│   │   ├── StateExpired      a state of ours whose time ran out
│   │   └── StateUsed         a state of ours that was already used
│   ├── IssuerMismatch        RFC 9207 ``iss`` missing or not the expected issuer
│   ├── ProviderDenied        the provider redirected back with an error
│   ├── InvalidIdToken        the token response's ID token fails OIDC Core §3.1.3.7
│   ├── AccountMismatch       a re-link came back with another provider subject
│   └── TokenRequestRejected  the token endpoint refused the grant (e.g. invalid_grant)
├── ProviderError             the provider failed us
│   ├── ProviderUnavailable   unreachable, 5xx, or an answer that breaks the protocol
│   ├── ProviderTimeout       no whole answer within LINKVAULT_HTTP_TIMEOUT_SECONDS
│   └── AddressNotAllowed     the endpoint resolves to an address outbound calls may not reach
└── ServiceUnavailable        linkvault cannot serve now; the same request may succeed later
    ├── DatabaseUnavailable   the database does not answer (refused, cut, pool exhausted)
    ├── TooManyWaiters        this process already serves LINKVAULT_AUTH_MAX_WAITERS waits
    └── SchemaNotCurrent      the database answers, but its migrations are not the ones shipped
"""

from __future__ import annotations

__all__ = [
    "AccountDisabled",
    "AccountMismatch",
    "AddressNotAllowed",
    "AddressRefused",
    "ConfigurationError",
    "Conflict",
    "DatabaseUnavailable",
    "DecryptionError",
    "InvalidIdToken",
    "InvalidInput",
    "InvalidState",
    "IssuerMismatch",
    "LinkError",
    "LinkvaultError",
    "NeedsReauth",
    "NotFound",
    "ProviderDenied",
    "ProviderError",
    "ProviderTimeout",
    "ProviderUnavailable",
    "RefreshUnavailable",
    "SchemaNotCurrent",
    "ServiceUnavailable",
    "StateExpired",
    "StateUsed",
    "TokenRequestRejected",
    "TooManyWaiters",
]


class LinkvaultError(Exception):
    """Base class of every error linkvault raises on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(LinkvaultError):
    """The settings cannot work."""

    code = "configuration_error"


class DecryptionError(LinkvaultError):
    """A stored secret cannot be decrypted with the configured keys. Not a bug but the operator's to
    fix, wherever it is met: logged as an ERROR with ``REMEDY``, without a traceback."""

    code = "decryption_failed"
    REMEDY = "restore the missing key to LINKVAULT_ENCRYPTION_KEYS (docs/deployment.md)"


class NotFound(LinkvaultError):
    """No such resource in the caller's project."""

    code = "not_found"


class Conflict(LinkvaultError):
    """The change clashes with existing data."""

    code = "conflict"


class AccountDisabled(Conflict):
    """The linked account is disabled: it gives no credentials and is never refreshed."""

    code = "account_disabled"


class NeedsReauth(Conflict):
    """The account's refresh token is dead (``invalid_grant``, RFC 6749 §5.2) or its access token
    expired without one: only a new link (re-authorization) brings it back."""

    code = "needs_reauth"


class RefreshUnavailable(Conflict):
    """A refresh was asked for, but the provider gave this account no refresh token."""

    code = "no_refresh_token"


class InvalidInput(LinkvaultError):
    """A value the caller sent is unacceptable.

    ``field`` names it as the engine knows it: a tuple of the parameter or body member name and the
    path inside it (``("allowed_redirect_urls", "2")``), or ``()`` when no one field is to blame. Where
    that field sits in the HTTP request is the API layer's business."""

    code = "invalid_input"

    def __init__(self, message: str, *, field: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.field = field


class AddressRefused(InvalidInput):
    """A URL the caller sent (an issuer, at app configuration creation or update) resolves to an
    address outbound calls may not reach; the same refusal as ``AddressNotAllowed``, but the caller's
    to fix, and no retry changes it. Later calls to a stored URL raise ``AddressNotAllowed``."""

    code = "address_not_allowed"


class LinkError(LinkvaultError):
    """A link cannot be finished."""

    code = "link_failed"


class InvalidState(LinkError):
    """The state is unknown, expired, already used, of another project or app, or malformed."""

    code = "invalid_state"


class StateExpired(InvalidState):
    """The state is one linkvault issued, but LINKVAULT_STATE_TTL_SECONDS have passed (RFC 6749 §10.12).

    Same ``code`` as any invalid state: a caller that only reads codes sees no change; the end user's
    page can say why."""


class StateUsed(InvalidState):
    """The state is one linkvault issued, but a callback already used it (RFC 9700 §4.7)."""


class IssuerMismatch(LinkError):
    """The authorization response's issuer is missing or not the expected one (RFC 9207 §2.4)."""

    code = "issuer_mismatch"


class ProviderDenied(LinkError):
    """The provider redirected back with an error (RFC 6749 §4.1.2.1)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class InvalidIdToken(LinkError):
    """The ID token of the token response fails validation (OpenID Connect Core §3.1.3.7)."""

    code = "invalid_id_token"


class AccountMismatch(LinkError):
    """A re-link of an existing account came back with another user at the provider (another ``sub``),
    and the link was not started with ``allow_account_switch``."""

    code = "account_mismatch"


class TokenRequestRejected(LinkError):
    """The token endpoint refused the grant (RFC 6749 §5.2)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class ProviderError(LinkvaultError):
    """The provider failed us."""

    code = "provider_error"


class ProviderUnavailable(ProviderError):
    """The provider is unreachable or answered outside the protocol."""


class ProviderTimeout(ProviderError):
    """The provider did not answer in time."""

    code = "provider_timeout"


class AddressNotAllowed(ProviderError):
    """An outbound call was refused before any packet was sent: its host resolves to a link-local,
    cloud-metadata or otherwise unroutable address (or to a private one, where the settings refuse
    those). A server-side request made on a tenant's say-so must not reach them (SSRF)."""

    code = "address_not_allowed"


class ServiceUnavailable(LinkvaultError):
    """linkvault cannot serve the request now, through no fault of the caller; retrying later may work.
    ``reason`` says why for the operator's log (never sent to the caller)."""

    code = "service_unavailable"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class DatabaseUnavailable(ServiceUnavailable):
    """The database cannot be reached or gave up on the connection; raised by ``linkvault.store`` only."""

    code = "database_unavailable"


class TooManyWaiters(ServiceUnavailable):
    """This process already serves ``LINKVAULT_AUTH_MAX_WAITERS`` waits for links; another would cost
    memory without bound."""

    code = "too_many_waiters"


class SchemaNotCurrent(ServiceUnavailable):
    """The database answers, but it is not at the newest migration this package ships."""

    code = "schema_not_current"
