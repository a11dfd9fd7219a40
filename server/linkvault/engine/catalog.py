"""The provider catalog: what linkvault knows of well-known OAuth2 providers, as data.

``catalog.yaml`` beside this module describes each provider: its endpoints (with templated parts such
as ``{tenant}`` filled from an app configuration's ``provider_params``, each checked by the entry's
pattern), default scopes, extra authorization parameters, client authentication, and the ways its token
response bends RFC 6749 §5.1 and §5.2 (``TokenResponseQuirks``). Every fact names the public
documentation page it was taken from. A fact not documented is left out, never guessed.

The file is read and validated once per process (``catalog()``); a unit test validates the whole file,
so an invalid entry fails the test suite and never reaches a running server.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from linkvault.engine import cursors
from linkvault.errors import InvalidInput, NotFound

__all__ = [
    "CATALOG_PATH",
    "DEFAULT_QUIRKS",
    "MAX_PARAM_LENGTH",
    "Catalog",
    "Param",
    "Provider",
    "ProviderPage",
    "RefreshTokens",
    "RfcError",
    "TokenResponseQuirks",
    "catalog",
    "entry_of",
    "find_provider",
    "list_providers",
    "load_catalog",
    "quirks_of",
    "scope_separator_of",
]

CATALOG_PATH = Path(__file__).resolve().parent / "catalog.yaml"

# A provider's name: what an app configuration's ``provider`` and ``GET /v1/apps/{provider}`` say.
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_TEMPLATE_FIELDS = ("authorize_url", "token_url", "revocation_url", "issuer", "api_base_url")
# RFC 6749 §5.2's error codes; a provider's own codes are mapped onto these.
RfcError = Literal[
    "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
    "unsupported_grant_type", "invalid_scope",
]  # fmt: skip
MAX_PARAM_LENGTH = 253  # characters: a DNS name at most


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from exc
    return pattern


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Param(_Model):
    """One templated part of a provider's URLs, filled from ``provider_params``.

    ``kind`` says what it stands for: a DNS ``label`` (``{shop}`` in ``{shop}.myshopify.com``: no dot),
    a whole ``hostname`` (dots allowed), or a URL ``path_segment``. ``pattern`` is matched against the
    whole value (``re.fullmatch``); a value that does not match is refused, so that no value can add a
    ``/``, ``@``, ``?``, ``#`` or, in a label, a ``.`` to the URL it is put in."""

    kind: Literal["label", "hostname", "path_segment"]
    pattern: Annotated[str, AfterValidator(_compiles)]
    description: str
    example: str

    @model_validator(mode="after")
    def _example_matches(self) -> Param:
        if not re.fullmatch(self.pattern, self.example):
            raise ValueError(f"the example {self.example!r} does not match the pattern")
        return self


class TokenResponseQuirks(_Model):
    """How the provider's token response departs from RFC 6749 §5.1 and §5.2, and how to read it.

    ``form_encoded``: the body may be ``application/x-www-form-urlencoded`` instead of JSON.
    ``token_paths``: where the token set sits, tried in order (``""`` the top level, ``"authed_user"``
    a member of it); the first place holding an ``access_token`` is read.
    ``bearer_token_types``: ``token_type`` values, besides ``Bearer`` (compared case-insensitively, as
    RFC 6749 §5.1 says), of tokens that are used as ``Authorization: Bearer`` tokens.
    ``token_type_optional``: a response without ``token_type`` carries a Bearer token.
    ``scope_separator``: how the answered ``scope`` string separates its values (RFC 6749 §3.3 says a
    space); a JSON array is read whatever this says.
    ``error_codes``: the provider's own error codes mapped onto RFC 6749 §5.2 codes.
    ``access_token_lifetime_seconds``: the documented lifetime of a token answered without
    ``expires_in`` (unset: such a token does not expire).
    ``zero_expires_in_means_no_expiry``: ``"expires_in": 0`` says the token does not expire.
    ``json_request``: the provider documents its token requests (code and refresh) as a JSON object
    instead of RFC 6749 §4.1.3's form; the same members are sent, as JSON strings.
    """

    form_encoded: bool = False
    token_paths: tuple[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]*$")], ...] = ("",)
    bearer_token_types: tuple[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")], ...] = ()
    token_type_optional: bool = False
    scope_separator: Literal[" ", ","] = " "
    error_codes: dict[str, RfcError] = Field(default_factory=dict)
    access_token_lifetime_seconds: int | None = Field(default=None, gt=0)
    zero_expires_in_means_no_expiry: bool = False
    json_request: bool = False


DEFAULT_QUIRKS = TokenResponseQuirks()


class RefreshTokens(_Model):
    """What the provider documents of its refresh tokens; unset where it says nothing.

    ``issued``: whether a refresh token comes with the access token (possibly only with a scope or
    parameter the entry's ``notes`` name). ``rotates``: each refresh answers a new refresh token and
    the old one stops working. ``lifetime_seconds``: how long an unused refresh token lives."""

    issued: bool | None = None
    rotates: bool | None = None
    lifetime_seconds: int | None = Field(default=None, gt=0)


class Provider(_Model):
    """One catalog entry. URLs may hold ``{param}`` parts, each declared in ``params``."""

    name: Annotated[str, Field(pattern=f"^{_NAME.pattern}$")]
    display_name: str
    authorize_url: str
    token_url: str
    revocation_url: str | None = None
    # The issuer whose RFC 8414 / OpenID Connect discovery metadata describes the provider; an app
    # configuration naming the entry is discovered from it (engine/app_configurations.py).
    issuer: str | None = None
    # Other values of an ID token's ``iss`` the provider documents for that issuer (Google: the bare
    # host name); accepted only for a configuration discovered from the entry's own issuer.
    id_token_issuers: tuple[str, ...] = ()
    params: dict[Annotated[str, Field(pattern=r"^[a-z_]+$")], Param] = Field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    # How the authorization request's ``scope`` joins its values (RFC 6749 §3.3 says a space).
    scope_separator: Literal[" ", ","] = " "
    authorize_params: dict[str, str] = Field(default_factory=dict)
    # RFC 7636: "required", "supported", or unset where the provider's documentation does not say.
    pkce: Literal["required", "supported"] | None = None
    # RFC 6749 §2.3.1: how the client authenticates at the token endpoint; unset: linkvault's default.
    token_endpoint_auth_method: Literal["client_secret_basic", "client_secret_post"] | None = None
    refresh_tokens: RefreshTokens = RefreshTokens()
    token_response: TokenResponseQuirks = DEFAULT_QUIRKS
    api_base_url: str | None = None
    notes: str | None = None
    # The provider's own public documentation the facts above were taken from.
    docs: tuple[HttpUrl, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _templates_are_declared(self) -> Provider:
        used: set[str] = set()
        for name in _TEMPLATE_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            fields = {part[1] for part in string.Formatter().parse(value) if part[1] is not None}
            undeclared = fields - set(self.params)
            if undeclared:
                raise ValueError(f"{name} uses undeclared params {sorted(undeclared)}")
            if not value.startswith("https://"):
                raise ValueError(f"{name} must be an https URL")
            used |= fields
        unused = set(self.params) - used
        if unused:
            raise ValueError(f"params {sorted(unused)} are used by no URL")
        return self

    def fill(self, template: str | None, values: dict[str, str]) -> str | None:
        """``template`` with its ``{param}`` parts replaced by ``values`` (checked by ``check_params``)."""
        if template is None:
            return None
        return template.format_map({name: values[name] for name in self.params})

    def check_params(self, values: dict[str, str]) -> dict[str, str]:
        """``values`` when they give exactly the entry's params, each matching its pattern.

        Raises InvalidInput (field ``provider_params``) naming the param that is missing, unknown or
        does not match."""
        unknown = set(values) - set(self.params)
        if unknown:
            raise InvalidInput(
                f"provider_params: {self.name} takes no {', '.join(sorted(unknown))}",
                field=("provider_params",),
            )
        for name, param in self.params.items():
            value = values.get(name)
            if value is None:
                raise InvalidInput(
                    f"provider_params.{name} is required for {self.name} ({param.description})",
                    field=("provider_params", name),
                )
            if len(value) > MAX_PARAM_LENGTH or not re.fullmatch(param.pattern, value):
                raise InvalidInput(
                    f"provider_params.{name} is not a valid {param.description} (e.g. {param.example!r})",
                    field=("provider_params", name),
                )
        return dict(values)


class Catalog(_Model):
    """The whole catalog file: providers in name order, names unique."""

    providers: tuple[Provider, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _sorted_and_unique(self) -> Catalog:
        names = [provider.name for provider in self.providers]
        if names != sorted(set(names)):
            raise ValueError("providers must be sorted by name, each name once")
        return self

    @functools.cached_property
    def by_name(self) -> dict[str, Provider]:
        return {provider.name: provider for provider in self.providers}


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """Read and validate a catalog file. Raises pydantic's ValidationError for an invalid entry."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(document, dict):
        # ``x-`` keys hold YAML anchors shared by entries (the patterns), not data.
        document = {key: value for key, value in document.items() if not str(key).startswith("x-")}
    return Catalog.model_validate(document)


@functools.cache
def catalog() -> Catalog:
    """The catalog shipped with linkvault, read once per process."""
    return load_catalog()


def find_provider(name: str) -> Provider:
    """The catalog entry ``name``. Raises NotFound."""
    provider = catalog().by_name.get(name)
    if provider is None:
        raise NotFound("no such provider in the catalog")
    return provider


def entry_of(provider: str | None) -> Provider | None:
    """The catalog entry an app configuration names, None for none (or a name the catalog no longer
    has). Read at use time, so that a catalog fix reaches configurations created before it."""
    return catalog().by_name.get(provider) if provider is not None else None


def quirks_of(provider: str | None) -> TokenResponseQuirks:
    """How to read the token responses of an app configuration naming ``provider``: RFC 6749 alone
    when it names none."""
    entry = entry_of(provider)
    return entry.token_response if entry is not None else DEFAULT_QUIRKS


def id_token_issuers_of(provider: str | None, params: dict[str, str], issuer: str) -> tuple[str, ...]:
    """The values an ID token's ``iss`` may take for an app configuration naming ``provider`` with
    ``params`` and discovered as ``issuer``: ``issuer`` itself, and the entry's documented aliases when
    ``issuer`` is the entry's own (an issuer given explicitly gets no alias)."""
    entry = entry_of(provider)
    if entry is None or entry.issuer is None or not entry.id_token_issuers:
        return (issuer,)
    try:
        own = entry.fill(entry.issuer, params)
    except KeyError:  # params of another entry, left from before a catalog change
        return (issuer,)
    return (issuer, *entry.id_token_issuers) if own == issuer else (issuer,)


def scope_separator_of(provider: str | None) -> str:
    """How the authorization request joins the scopes of an app configuration naming ``provider``
    (RFC 6749 §3.3's space unless the provider wants commas)."""
    entry = entry_of(provider)
    return entry.scope_separator if entry is not None else " "


@dataclass(frozen=True)
class ProviderPage:
    """One page of catalog entries in name order; ``next_cursor`` starts the next, None on the last."""

    items: list[Provider]
    next_cursor: str | None


def list_providers(*, name: str | None, limit: int, cursor: str | None) -> ProviderPage:
    """The catalog's entries whose name or display name contains ``name`` (case-insensitively), a
    page of at most ``limit`` after ``cursor``. Raises InvalidInput for a cursor this server did not
    give out."""
    after = _decode_cursor(cursor) if cursor else None
    needle = name.casefold() if name else None
    matching = [
        entry
        for entry in catalog().providers
        if (needle is None or needle in entry.name or needle in entry.display_name.casefold())
        and (after is None or entry.name > after)
    ]
    items = matching[:limit]
    more = len(matching) > limit
    return ProviderPage(items=items, next_cursor=cursors.encode_text(items[-1].name) if more else None)


def _decode_cursor(cursor: str) -> str:
    name = cursors.decode_text(cursor)
    if not _NAME.fullmatch(name):
        raise InvalidInput("the cursor is not one this server gave out", field=("cursor",))
    return name
