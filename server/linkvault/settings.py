"""The one place that reads configuration: ``LINKVAULT_*`` environment variables and a ``.env`` file.

Every setting is a field of ``Settings`` with a ``description``; the table of settings in the README is
generated from those fields (``settings_table``), and a test keeps the two equal.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import unicodedata
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from dotenv.parser import parse_stream
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from linkvault.errors import ConfigurationError
from linkvault.store.postgresql_url import asyncpg_connect_args

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ENV_FILE",
    "ENV_PREFIX",
    "Settings",
    "effective_settings",
    "load_settings",
    "settings_table",
    "unknown_variables",
]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///linkvault.db"
ENV_PREFIX = "LINKVAULT_"
# Read from the working directory; a variable set in the environment wins over the file.
ENV_FILE = ".env"

_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}


class Settings(BaseSettings):
    """linkvault's configuration; tests build it explicitly instead of through the environment."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLite (`sqlite+aiosqlite:///path.db`) or PostgreSQL "
        "(`postgresql+asyncpg://user:password@host/db`; `?sslmode=require` requires TLS, see "
        "docs/configuration.md for the query parameters it may have)",
    )
    # Bounded so that a typo (an extra zero) is refused rather than opening thousands of connections;
    # PostgreSQL's own default max_connections is 100 for every client together.
    database_pool_size: int = Field(
        default=20,
        ge=1,
        le=1000,
        description="PostgreSQL connections each worker process keeps open (not SQLite, which uses one)",
    )
    database_max_overflow: int = Field(
        default=10,
        ge=0,
        le=1000,
        description="PostgreSQL connections each worker process opens beyond the pool size under load, "
        "closed when they come back (not SQLite)",
    )
    encryption_keys: SecretStr | None = Field(
        default=None,
        description="comma-separated Fernet keys; the first encrypts, all decrypt (rotation). Required "
        "for PostgreSQL; on an SQLite database a key is generated beside the database file when unset",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="the externally visible base URL (scheme, host, optional port and path; no query, "
        "fragment or `user:password@`); the default redirect URI is its GET callback. "
        "When unset, `serve` uses `http://<host>:<port>`",
    )
    state_ttl_seconds: int = Field(
        default=600, gt=0, le=86_400, description="how long a started link may take"
    )
    http_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="timeout of calls to providers (discovery, token, revocation); a refresh request "
        "and a revocation are bounded by it as a whole",
    )
    providers_allow_private: bool = Field(
        default=True,
        description="whether calls to providers (discovery, JWKS, token, revocation) may reach private "
        "and loopback addresses; set false when tenants you do not trust configure providers. "
        "Link-local and cloud-metadata addresses are refused either way (checked after DNS resolution)",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        gt=0,
        description="larger request bodies are refused with 413 (by the operations that take a body; "
        "the others never read one)",
    )
    # The request bounds below are checked before the query, the headers or the body are parsed
    # (linkvault.middleware.RequestLimits), so no request costs more than linear work before it is
    # refused. RFC 9110 §4.1 asks servers to accept request targets of at least 8000 octets.
    max_url_length: int = Field(
        default=8192,
        ge=8000,
        description="longer request targets (path and query string, in bytes) are refused with 414",
    )
    max_query_parameters: int = Field(
        default=100,
        gt=0,
        le=1000,
        description="requests with more query parameters are refused with 400 (a callback carries fewer "
        "than 10; the web framework's query parsing costs time quadratic in their number)",
    )
    max_header_count: int = Field(
        default=100, gt=0, le=1000, description="requests with more header fields are refused with 431"
    )
    max_header_bytes: int = Field(
        default=32_768,
        ge=8192,
        description="requests whose header fields (names and values) add up to more bytes are refused "
        "with 431",
    )
    max_json_depth: int = Field(
        default=32,
        gt=0,
        le=256,
        description="JSON request bodies nested deeper (arrays and objects) are refused with 400, "
        "before they are parsed",
    )
    max_json_values: int = Field(
        default=10_000,
        ge=1000,
        le=1_000_000,
        description="JSON request bodies with more values (the body, each array item and each object "
        "member) are refused with 400, before they are parsed: parsing holds the server for about a "
        "second per megabyte of small values. The largest app configuration has under 500",
    )
    # The leeway is capped at half the token's lifetime (see linkvault.engine.refresh.is_due).
    refresh_leeway_seconds: int = Field(
        default=300,
        ge=0,
        le=86_400,
        description="refresh an access token this long before it expires (at most half its lifetime)",
    )
    prune_interval_seconds: float = Field(
        default=300.0,
        gt=0,
        le=86_400,
        description="how often `serve` deletes expired link states, a batch at a time",
    )

    webhooks_allow_private: bool = Field(
        default=False,
        description="whether webhook endpoints may be on private and loopback addresses (set it for a "
        "receiver on the same host or network; `http://` is then allowed for loopback IP addresses). "
        "Link-local and cloud-metadata addresses are refused always (checked at creation and after DNS "
        "resolution at every delivery)",
    )
    webhooks_timeout_seconds: float = Field(
        default=10.0, gt=0, le=60, description="how long one webhook delivery attempt may take as a whole"
    )
    webhooks_poll_interval_seconds: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="how often `serve` looks for webhook deliveries that are due (a pass that found work "
        "is followed by the next at once)",
    )
    idle_refresh_interval_seconds: float = Field(
        default=300.0,
        gt=0,
        le=86_400,
        description="how often `serve` refreshes accounts whose refresh token has been idle longer than "
        "their app configuration's `refresh_idle_after`",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="`text`: one readable line per record; `json`: one JSON object per line (timestamp, "
        "level, logger, message, request_id, and code for an expected failure). uvicorn's lines too",
    )
    metrics_enabled: bool = Field(
        default=True, description="serve Prometheus metrics at `/metrics` (see Observability)"
    )
    metrics_bearer_token: SecretStr | None = Field(
        default=None,
        description="when set (16 characters or more), `/metrics` answers only requests with "
        "`Authorization: Bearer <this token>` (401 otherwise)",
    )
    auth_wait_max_seconds: int = Field(
        default=300,
        gt=0,
        le=3_600,
        description="the longest a `GET /v2/auth/wait/{auth_id}` waits, whatever `timeout` it asks for",
    )
    auth_max_waiters: int = Field(
        default=100,
        gt=0,
        le=100_000,
        description="how many `GET /v2/auth/wait/{auth_id}` requests one process serves at once; more are "
        "answered 503 `too_many_waiters`",
    )

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL (dialect+driver://...)") from exc
        except ValueError as exc:
            # SQLAlchemy's own words here are int()'s, about a port that is not a number (a bracket
            # missing around an IPv6 address reads as one).
            raise ValueError(
                "the port is not a number (an IPv6 host is written in brackets: postgresql+asyncpg://user@[::1]:5432/db)"
            ) from exc
        driver = _DRIVERS.get(url.get_backend_name())
        if driver is None or url.get_driver_name() != driver:
            raise ValueError("must be sqlite+aiosqlite:// or postgresql+asyncpg://")
        if url.port is not None and not 0 < url.port < 65_536:
            raise ValueError("the port must be 1 to 65535")
        if any(unicodedata.category(character) == "Cc" for character in urllib.parse.unquote(value)):
            # A NUL reached the driver as a traceback; no part of a database URL holds one.
            raise ValueError("must not hold control characters (also percent-encoded, %00)")
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            # Each pooled connection would open a database of its own, empty and gone when it closes.
            raise ValueError("an SQLite database must be a file (sqlite+aiosqlite:///path.db), not in memory")
        if url.get_backend_name() == "sqlite" and url.query:
            # linkvault sets SQLite's options itself (WAL, the busy timeout, foreign keys); a query
            # parameter was ignored with a warning or failed at the first connection.
            raise ValueError(f"an SQLite URL takes no query parameters ({', '.join(sorted(url.query))})")
        if url.get_backend_name() == "postgresql":
            # Checked here so that a parameter asyncpg does not take stops every command in one line,
            # instead of failing each connection (store.postgresql_url says which it takes).
            asyncpg_connect_args(url)
        return value

    @field_validator("metrics_bearer_token")
    @classmethod
    def _long_enough_token(cls, value: SecretStr | None) -> SecretStr | None:
        # Checked here rather than with min_length, whose message counts "items".
        if value is None:
            return value
        token = value.get_secret_value()
        if len(token) < _MIN_METRICS_TOKEN_LENGTH:
            raise ValueError(f"must be {_MIN_METRICS_TOKEN_LENGTH} characters or more")
        if token != token.strip():
            # HTTP drops whitespace around a field value (RFC 9110 §5.5): no request could match.
            raise ValueError("must not begin or end with whitespace")
        return value

    @field_validator("public_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        problem = _public_url_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @property
    def default_redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + "/v1/linked-accounts/oauth2/callback"


# A host name as DNS writes it (RFC 1123 §2.1 labels, an IPv4 address among them), in ASCII; with
# underscores too, which container and service names use and resolvers accept.
_HOST_NAME = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9_-]{1,63}(?<!-))*\.?")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _public_url_problem(value: str) -> str | None:
    """Why ``value`` cannot be linkvault's public URL, or None. Paths are appended to it (the default
    redirect URI, which providers compare exactly, and the links linkvault hands out), so it must be a
    plain base: scheme, host, an optional port and path; no query or fragment (the paths would land
    inside them), no credentials (they would go to every browser and provider)."""
    scheme, _, rest = value.partition("://")
    if scheme.lower() in ("http", "https") and scheme not in ("http", "https"):
        return f"write the scheme in lower case ({scheme.lower()}://)"
    if scheme not in ("http", "https") or not rest.strip("/"):
        return "must be an absolute http:// or https:// URL"
    if any(character.isspace() or unicodedata.category(character) == "Cc" for character in value):
        return "must not hold spaces or control characters"
    if "\\" in value:
        return "must not hold a backslash (browsers read it as /)"
    if "?" in value or "#" in value:
        return "must not have a query string (?) or a fragment (#)"
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:  # an IPv6 literal's bracket left open
        return "must name a host (an IPv6 address in brackets: http://[::1]:8000)"
    try:
        hostname, port = parts.hostname, parts.port
    except ValueError:
        return "the port must be a number from 1 to 65535"
    if "@" in parts.netloc:
        return "must not have a user name or password (user:password@)"
    if not hostname:
        return "must name a host (https://linkvault.example.com)"
    if port == 0:
        return "the port must be a number from 1 to 65535"
    if "%" in parts.netloc:
        return "must not hold a % in its host (no encoded characters, no IPv6 zone)"
    if parts.netloc.startswith("["):
        try:
            ipaddress.IPv6Address(hostname)
        except ValueError:
            return "must hold an IPv6 address in its brackets, without a zone (http://[::1]:8000)"
        if not re.fullmatch(r"\[[^\]]*\](?::\d+)?", parts.netloc):
            return "must have nothing but a port after an IPv6 address's brackets"
    elif not hostname.isascii():
        return "write an internationalized host name in its ASCII form (xn--...)"
    elif not _HOST_NAME.fullmatch(hostname):
        return "must name a host (letters, digits, hyphens and dots: https://linkvault.example.com)"
    if _BAD_ESCAPE.search(parts.path):
        return "must not hold a % that is not a percent-encoding (%XX)"
    return None


_MIN_METRICS_TOKEN_LENGTH = 16


def _variable(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def load_settings() -> Settings:
    """The settings of this process (environment, then ``.env``). Raises ConfigurationError naming
    each invalid variable and the rule it broke (never its value, which may be a secret)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = [
            f"{_variable(str(error['loc'][0])) if error['loc'] else 'settings'}: "
            + error["msg"].removeprefix("Value error, ")
            for error in exc.errors()
        ]
        raise ConfigurationError("invalid configuration: " + "; ".join(problems)) from exc


def unknown_variables(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(ENV_FILE)
) -> list[str]:
    """Warnings for ``LINKVAULT_*`` variables (in the environment or ``.env``) that are no setting,
    each with the nearest setting's name when there is a likely one: a typo must not pass silently."""
    names = set(os.environ if environ is None else environ)
    if env_file is not None and env_file.is_file():
        # dotenv's parser itself: dotenv_values would warn about an unparsable line a second time,
        # after pydantic-settings' own read of the file.
        with env_file.open(encoding="utf-8") as stream:
            names |= {binding.key for binding in parse_stream(stream) if binding.key}
    known = {_variable(name) for name in Settings.model_fields}
    warnings = []
    for name in sorted(names):
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper in known:
            continue
        # Compared without the prefix, which every name shares.
        guess = difflib.get_close_matches(
            upper.removeprefix(ENV_PREFIX), [name.upper() for name in Settings.model_fields], n=1
        )
        hint = f" (did you mean {ENV_PREFIX + guess[0]}?)" if guess else ""
        warnings.append(f"{name} is not a linkvault setting and is ignored{hint}")
    return warnings


def _masked_url(value: str) -> str:
    return make_url(value).render_as_string(hide_password=True)


def effective_settings(settings: Settings) -> dict[str, Any]:
    """Every setting by variable name, as in effect, with secrets masked (``***``): the encryption
    keys and a database password never leave the process."""
    shown: dict[str, Any] = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = "***"
        elif name == "database_url":
            value = _masked_url(value)
        shown[_variable(name)] = value
    return shown


def _default(value: Any) -> str:
    return "(none)" if value is None else f"`{value}`"


def settings_table() -> str:
    """The Markdown table of every setting, its default and meaning (the README's Configuration)."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| `{_variable(name)}` | {_default(field.default)} | {field.description} |")
    return "\n".join(rows) + "\n"
