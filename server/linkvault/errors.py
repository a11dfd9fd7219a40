"""linkvault's domain errors; HTTP status codes are chosen only in ``linkvault.api.problems``.

LinkvaultError
├── ConfigurationError        settings that cannot work (no encryption key, bad URL)
├── DecryptionError           a stored secret does not open with the configured keys
├── NotFound                  no such resource in the caller's project
├── Conflict                  the change clashes with what exists
├── InvalidInput              a value the caller sent is unacceptable (``location`` names it)
├── LinkError                 a link cannot be finished (``code`` says why)
│   ├── InvalidState          unknown, expired, used, foreign or malformed state
│   ├── IssuerMismatch        RFC 9207 ``iss`` missing or not the expected issuer
│   ├── ProviderDenied        the provider redirected back with an error
│   └── TokenRequestRejected  the token endpoint refused the grant (e.g. invalid_grant)
└── ProviderError             the provider failed us
    ├── ProviderUnavailable   unreachable, 5xx, or an answer that breaks the protocol
    └── ProviderTimeout       no answer within LINKVAULT_HTTP_TIMEOUT_SECONDS
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "Conflict",
    "DecryptionError",
    "InvalidInput",
    "InvalidState",
    "IssuerMismatch",
    "LinkError",
    "LinkvaultError",
    "NotFound",
    "ProviderDenied",
    "ProviderError",
    "ProviderTimeout",
    "ProviderUnavailable",
    "TokenRequestRejected",
]


class LinkvaultError(Exception):
    """Base class of every error linkvault raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(LinkvaultError):
    """The settings cannot work."""


class DecryptionError(LinkvaultError):
    """A stored secret cannot be decrypted with the configured keys."""


class NotFound(LinkvaultError):
    """No such resource in the caller's project."""


class Conflict(LinkvaultError):
    """The change clashes with existing data."""


class InvalidInput(LinkvaultError):
    """A value the caller sent is unacceptable."""

    def __init__(self, message: str, *, location: tuple[str, ...] = ("body",)) -> None:
        super().__init__(message)
        self.location = location


class LinkError(LinkvaultError):
    """A link cannot be finished."""

    code = "link_failed"


class InvalidState(LinkError):
    """The state is unknown, expired, already used, of another project or app, or malformed."""

    code = "invalid_state"


class IssuerMismatch(LinkError):
    """The authorization response's issuer is missing or not the expected one (RFC 9207 §2.4)."""

    code = "issuer_mismatch"


class ProviderDenied(LinkError):
    """The provider redirected back with an error (RFC 6749 §4.1.2.1)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class TokenRequestRejected(LinkError):
    """The token endpoint refused the grant (RFC 6749 §5.2)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class ProviderError(LinkvaultError):
    """The provider failed us."""


class ProviderUnavailable(ProviderError):
    """The provider is unreachable or answered outside the protocol."""


class ProviderTimeout(ProviderError):
    """The provider did not answer in time."""
