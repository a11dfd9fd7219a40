"""App configurations: validated, completed from the provider catalog or discovery metadata, secrets
encrypted.

An app configuration may name a catalog ``provider`` (with ``provider_params`` for its templated URL
parts) instead of giving endpoints. The catalog's endpoints, default scopes, extra authorization
parameters and client authentication are resolved at creation and stored, each unless the request
gives that field itself (an explicit field replaces the catalog's whole). An entry with an ``issuer``
is discovered (RFC 8414, OpenID Connect Discovery 1.0) as if the request had given that issuer, so its
ID tokens are validated and its ``iss`` checked (RFC 9207), unless the request gives an ``issuer``,
``authorize_url`` or ``token_url`` itself. Stored, because they are what the operator registered their
client against and saw in the answer; a later catalog change to them applies only through an update
naming the provider. The provider's name and params are stored too: its token response quirks and
scope separator are read from the catalog at use time, so a fix there reaches every configuration made
from it.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from typing import Any

from linkvault.engine import catalog
from linkvault.engine.discovery import ProviderMetadata, discover
from linkvault.engine.durations import parse_duration
from linkvault.engine.services import Services
from linkvault.engine.tokens import ClientCredentials
from linkvault.engine.urls import check_endpoint_url
from linkvault.errors import AddressNotAllowed, AddressRefused, Conflict, InvalidInput, NotFound
from linkvault.limits import MAX_SCOPE_LENGTH
from linkvault.store import app_configurations as store
from linkvault.store.models import AppConfiguration
from linkvault.text import NOT_TEXT_REASON, invalid_text_path

__all__ = [
    "AUTH_METHODS",
    "SECURITY_SCHEMES",
    "client_credentials",
    "create_app_configuration",
    "delete_app_configuration",
    "get_app_configuration",
    "list_app_configurations",
    "update_app_configuration",
]

AUTH_METHODS = ("client_secret_basic", "client_secret_post")
# RFC 6749 §2.3.1: the method every authorization server supports; a catalog entry may name another.
_DEFAULT_AUTH_METHOD = "client_secret_basic"
# ACI.dev's SecurityScheme: how an app's accounts authenticate.
SECURITY_SCHEMES = ("oauth2", "api_key", "http_basic", "http_bearer", "no_auth")
# Parameters of the authorization request that linkvault sets itself and must not be overridden.
_RESERVED_PARAMS = {
    "response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
    "code_challenge_method", "request", "request_uri",
}  # fmt: skip
# refresh_idle_after: below a minute it would refresh on every round; ten years is "never" in practice.
_MIN_IDLE_SECONDS = 60
_MAX_IDLE_SECONDS = 10 * 365 * 86_400
_URL_FIELDS = ("authorize_url", "token_url", "revocation_url", "redirect_uri")


@dataclass(frozen=True)
class _Request:
    """The fields of a create or update, completed from the catalog entry they name.

    ``catalog_issuer``: the provider whose entry's issuer ``fields["issuer"]`` is (not the caller's);
    ``revocation_fallback``: that entry's revocation URL, for when discovery names none;
    ``endpoints_given``: the caller gave ``authorize_url`` or ``token_url`` itself."""

    fields: dict[str, Any]
    catalog_issuer: str | None = None
    revocation_fallback: str | None = None
    endpoints_given: bool = False


async def create_app_configuration(
    services: Services, *, project_id: uuid.UUID, fields: dict[str, Any]
) -> AppConfiguration:
    """Create the project's app configuration ``fields["app_name"]``. An OAuth2 app (``security_scheme``
    left out or ``oauth2``) needs ``client_id`` and endpoints: from ``issuer`` (discovery), from
    ``authorize_url`` and ``token_url``, or from a catalog ``provider`` (discovery of its issuer where
    the entry has one), explicit fields winning. An app of another scheme takes no OAuth2 field and
    keeps them empty.

    Raises InvalidInput (a field, an unknown provider, a param that does not match its pattern, an
    issuer without metadata), AddressRefused (the issuer's address is refused by the egress policy),
    Conflict (the app name exists), ProviderUnavailable or ProviderTimeout (discovery)."""
    scheme = fields.get("security_scheme") or "oauth2"
    if scheme not in SECURITY_SCHEMES:
        raise InvalidInput("unsupported security_scheme", field=("security_scheme",))
    request = _Request(fields)
    if scheme == "oauth2":
        request = _with_catalog_defaults(fields)
    app = AppConfiguration(
        project_id=project_id,
        app_name=fields["app_name"],
        security_scheme=scheme,
        display_name=fields.get("display_name"),
        client_id=fields.get("client_id") or "",
        authorize_url="",
        token_url="",
        token_endpoint_auth_method=_DEFAULT_AUTH_METHOD,
    )
    if scheme == "oauth2":
        if not fields.get("client_id"):
            raise InvalidInput("an oauth2 app needs a client_id", field=("client_id",))
        for name, value in (await _changes(services, app, request)).items():
            setattr(app, name, value)
    else:
        _refuse_oauth2_fields(scheme, fields)
    async with services.sessions.begin() as session:
        return await store.add_app_configuration(session, app=app)


def _with_catalog_defaults(fields: dict[str, Any]) -> _Request:
    """The fields of a create completed from the catalog entry they name (unchanged when they name
    none). Raises InvalidInput for params without a provider, an unknown provider or bad params."""
    if fields.get("provider") is None:
        if fields.get("provider_params"):
            raise InvalidInput("provider_params needs a provider", field=("provider_params",))
        return _Request(fields)
    return _from_entry(fields, choices=True)


def _from_entry(fields: dict[str, Any], *, choices: bool) -> _Request:
    """``fields`` (naming ``provider``) completed from its catalog entry: each field left out is the
    entry's, its ``{param}`` parts filled from ``provider_params``; ``scopes`` and ``authorize_params``
    too when ``choices``. The endpoints come from the first of: an explicit ``issuer`` (discovered);
    an explicit ``authorize_url`` or ``token_url`` (the other one and ``revocation_url`` are the
    entry's; nothing is discovered); the entry's ``issuer`` (discovered; an explicit ``revocation_url``
    wins over discovery's, which wins over the entry's); the entry's URLs.

    Raises InvalidInput (field ``provider``: not in the catalog; ``provider_params``: see
    ``Provider.check_params``)."""
    name = fields["provider"]
    entry = catalog.entry_of(name)
    if entry is None:
        raise InvalidInput(
            f"provider {name!r} is not in the catalog (GET /v1/apps lists it)", field=("provider",)
        )
    params = entry.check_params(fields.get("provider_params") or {})
    completed = {**fields, "provider_params": params}
    defaults: dict[str, Any] = {
        "token_endpoint_auth_method": entry.token_endpoint_auth_method or _DEFAULT_AUTH_METHOD
    }
    if choices:
        defaults.update(scopes=list(entry.scopes), authorize_params=dict(entry.authorize_params))
    explicit_endpoints = fields.get("authorize_url") is not None or fields.get("token_url") is not None
    revocation_url = entry.fill(entry.revocation_url, params)
    catalog_issuer = None
    if fields.get("issuer") is None and entry.issuer is not None and not explicit_endpoints:
        completed["issuer"] = entry.fill(entry.issuer, params)
        catalog_issuer = name
    elif fields.get("issuer") is None:
        defaults.update(
            authorize_url=entry.fill(entry.authorize_url, params),
            token_url=entry.fill(entry.token_url, params),
            revocation_url=revocation_url,
        )
    for column, value in defaults.items():
        completed.setdefault(column, value)
    return _Request(
        completed,
        catalog_issuer=catalog_issuer,
        revocation_fallback=revocation_url if catalog_issuer is not None else None,
    )


def _with_new_catalog_entry(current: AppConfiguration, fields: dict[str, Any]) -> _Request:
    """The fields of an update completed from the catalog when they name ``provider`` or
    ``provider_params`` (unchanged otherwise): the endpoints (discovered where the entry has an
    issuer) and client authentication are derived again, as at creation, explicit fields winning;
    ``scopes`` and ``authorize_params`` are reset to the entry's defaults only when the provider
    changes (with new params only, the operator's choices stay). Params left out are the current
    ones for the same provider, none for another. ``provider: null`` detaches the configuration from
    the catalog: it keeps every endpoint and setting, and its token responses are read as RFC 6749
    says.

    Raises InvalidInput (params without a provider, an unknown provider, bad params)."""
    if "provider" not in fields and "provider_params" not in fields:
        return _Request(fields)
    name = fields["provider"] if "provider" in fields else current.provider
    if name is None:
        if fields.get("provider_params"):
            raise InvalidInput("provider_params needs a provider", field=("provider_params",))
        return _Request({**fields, "provider": None, "provider_params": {}})
    same = name == current.provider
    params = fields.get("provider_params")
    if params is None:
        params = dict(current.provider_params) if same else {}
    return _from_entry({**fields, "provider": name, "provider_params": params}, choices=not same)


async def update_app_configuration(
    services: Services, *, project_id: uuid.UUID, app_name: str, fields: dict[str, Any]
) -> AppConfiguration:
    """Change the given fields of the app configuration; fields left out keep their value. Naming a
    ``provider`` or ``provider_params`` derives the catalog's fields again (``_with_new_catalog_entry``).

    Raises NotFound, InvalidInput, AddressRefused, ProviderUnavailable or ProviderTimeout (as
    ``create_app_configuration``)."""
    async with services.sessions() as session:
        current = await store.get_app_configuration(session, project_id=project_id, app_name=app_name)
    if current is None:
        raise NotFound("no such app configuration")
    if current.security_scheme != "oauth2":
        _refuse_oauth2_fields(current.security_scheme, fields)
    # Discovery is I/O at the provider: it runs before the transaction; then the row is locked and
    # only the changed fields are written, so a concurrent update of other fields is kept.
    request = dataclasses.replace(
        _with_new_catalog_entry(current, fields),
        endpoints_given=not fields.keys().isdisjoint(("authorize_url", "token_url")),
    )
    changes = await _changes(services, current, request)
    async with services.sessions.begin() as session:
        app = await store.get_app_configuration(
            session, project_id=project_id, app_name=app_name, for_update=True
        )
        if app is None:
            raise NotFound("no such app configuration")
        return await store.update_app_configuration(session, app=app, changes=changes)


def _refuse_oauth2_fields(scheme: str, fields: dict[str, Any]) -> None:
    """An app whose accounts bring their own secret has no OAuth2 settings. Raises InvalidInput."""
    given = sorted(name for name in fields if name not in ("app_name", "security_scheme", "display_name"))
    if given:
        raise InvalidInput(
            f"an app whose security_scheme is {scheme} takes no {', '.join(given)}", field=(given[0],)
        )


async def _changes(services: Services, app: AppConfiguration, request: _Request) -> dict[str, Any]:
    """Validate the request's fields against ``app`` and return the column values to write; with
    ``issuer``, discovery fills the endpoints."""
    fields = request.fields
    for name, value in fields.items():
        if (where := invalid_text_path(value)) is not None:
            raise InvalidInput(f"{name} {NOT_TEXT_REASON}", field=(name, *where))
    for name in _URL_FIELDS:
        if fields.get(name) is not None:
            check_endpoint_url(fields[name], what=name, field=(name,))
    for index, url in enumerate(fields.get("allowed_redirect_urls") or []):
        check_endpoint_url(
            url, what="allowed_redirect_urls entry", field=("allowed_redirect_urls", str(index))
        )
    if "" in (fields.get("authorize_params") or {}):
        # It would be sent as "&=value", a parameter without a name.
        raise InvalidInput("authorize_params must not have an empty name", field=("authorize_params",))
    reserved = _RESERVED_PARAMS.intersection(fields.get("authorize_params") or {})
    if reserved:
        raise InvalidInput(
            f"authorize_params must not set {', '.join(sorted(reserved))}",
            field=("authorize_params",),
        )
    changes: dict[str, Any] = {
        name: fields[name]
        for name in (
            "display_name",
            "revocation_url",
            "redirect_uri",
            "client_id",
            "scopes",
            "authorize_params",
            "allowed_redirect_urls",
            "token_endpoint_auth_method",
            "provider",
            "provider_params",
        )
        if name in fields
    }
    if len(" ".join(fields.get("scopes") or [])) > MAX_SCOPE_LENGTH:
        raise InvalidInput(
            f"scopes joined by spaces must have at most {MAX_SCOPE_LENGTH} characters", field=("scopes",)
        )
    if fields.get("issuer") is not None:
        if fields.get("authorize_url") is not None or fields.get("token_url") is not None:
            raise InvalidInput("give either issuer or authorize_url and token_url", field=("issuer",))
        metadata = await _discover(services, fields["issuer"], catalog_issuer=request.catalog_issuer)
        # An explicit revocation_url (null included) wins; else discovery's, else the catalog entry's.
        revocation_url = (
            fields["revocation_url"]
            if "revocation_url" in fields
            else metadata.revocation_endpoint or request.revocation_fallback
        )
        changes.update(
            issuer=metadata.issuer,
            authorize_url=metadata.authorization_endpoint,
            token_url=metadata.token_endpoint,
            revocation_url=revocation_url,
            jwks_uri=metadata.jwks_uri,
            authorization_response_iss_parameter_supported=(
                metadata.authorization_response_iss_parameter_supported
            ),
        )
    elif fields.get("authorize_url") is not None or fields.get("token_url") is not None:
        authorize_url = fields.get("authorize_url") or app.authorize_url
        token_url = fields.get("token_url") or app.token_url
        moved = (authorize_url, token_url) != (app.authorize_url, app.token_url)
        if moved or "issuer" in fields:
            # Another catalog provider whose entry gives the endpoints: the app talks to it now.
            switched = (
                fields.get("provider") is not None
                and fields.get("provider") != app.provider
                and not request.endpoints_given
            )
            if app.issuer is not None and "issuer" not in fields and not switched:
                # Dropping the issuer silently would switch off the RFC 9207 mix-up defence and the
                # ID token's checks for every link after a change of URL; the caller must say so
                # (detaching from the catalog, new params for the same provider, or endpoints of
                # the caller's own beside a provider's name do not).
                raise InvalidInput(
                    f"this app configuration's endpoints come from its issuer {app.issuer}; new endpoints "
                    'no longer do: send "issuer": null with them to drop the issuer and its checks '
                    "(RFC 9207 iss, ID tokens), or send a new issuer instead of endpoints",
                    field=("issuer",),
                )
            changes.update(authorize_url=authorize_url, token_url=token_url)
            # Explicit endpoints replace discovered ones; the issuer they came from no longer applies.
            changes.update(issuer=None, jwks_uri=None, authorization_response_iss_parameter_supported=False)
    elif "issuer" in fields and app.issuer is not None:
        # "issuer": null alone: the endpoints stay, the issuer's checks go.
        changes.update(issuer=None, jwks_uri=None, authorization_response_iss_parameter_supported=False)
    if not changes.get("authorize_url", app.authorize_url) or not changes.get("token_url", app.token_url):
        raise InvalidInput("give either issuer or both authorize_url and token_url", field=())
    if changes.get("token_endpoint_auth_method", app.token_endpoint_auth_method) not in AUTH_METHODS:
        raise InvalidInput("unsupported token_endpoint_auth_method", field=("token_endpoint_auth_method",))
    if "refresh_idle_after" in fields:
        idle = fields["refresh_idle_after"]
        seconds = None if idle is None else parse_duration(idle, field=("refresh_idle_after",))
        if seconds is not None and not _MIN_IDLE_SECONDS <= seconds <= _MAX_IDLE_SECONDS:
            raise InvalidInput(
                "refresh_idle_after must be between 60 seconds and 10 years", field=("refresh_idle_after",)
            )
        changes["refresh_idle_after_seconds"] = seconds
    if "client_secret" in fields:
        secret = fields["client_secret"]
        changes["client_secret_encrypted"] = services.cipher.encrypt(secret) if secret else None
    return changes


async def _discover(services: Services, issuer: str, *, catalog_issuer: str | None) -> ProviderMetadata:
    """The issuer's metadata (``discovery.discover``), raising what it raises, except that an issuer
    whose address the egress policy refuses is the caller's AddressRefused (400). When the issuer is
    the one of the catalog entry ``catalog_issuer``, a refusal names that provider (field
    ``provider``) rather than an ``issuer`` the caller never sent."""
    where, prefix = ("issuer",), ""
    if catalog_issuer is not None:
        where, prefix = ("provider",), f"the catalog's issuer of {catalog_issuer} ({issuer}): "
    try:
        return await discover(services.http, issuer)
    except AddressNotAllowed as exc:
        # The caller chose this issuer (or the provider it is the catalog's of), and the operator's
        # egress policy refuses its address: a client error (400), not a provider failure (502), and
        # no retry changes it.
        raise AddressRefused(prefix + exc.message, field=where) from exc
    except InvalidInput as exc:
        if catalog_issuer is None:
            raise
        # E.g. Entra ID's "common" tenant, whose metadata names a placeholder issuer.
        hint = " (give authorize_url and token_url to use the catalog's endpoints without discovery)"
        raise InvalidInput(prefix + exc.message + hint, field=where) from exc


async def get_app_configuration(
    services: Services, *, project_id: uuid.UUID, app_name: str
) -> AppConfiguration:
    async with services.sessions() as session:
        app = await store.get_app_configuration(session, project_id=project_id, app_name=app_name)
    if app is None:
        raise NotFound("no such app configuration")
    return app


async def list_app_configurations(services: Services, *, project_id: uuid.UUID) -> list[AppConfiguration]:
    async with services.sessions() as session:
        return await store.list_app_configurations(session, project_id=project_id)


async def delete_app_configuration(services: Services, *, project_id: uuid.UUID, app_name: str) -> None:
    async with services.sessions.begin() as session:
        app = await store.get_app_configuration(
            session, project_id=project_id, app_name=app_name, for_update=True
        )
        if app is None:
            raise NotFound("no such app configuration")
        if await store.count_linked_accounts(session, app_configuration_id=app.id):
            raise Conflict("the app has linked accounts; delete them first")
        await store.delete_app_configuration(session, app=app)


def client_credentials(services: Services, app: AppConfiguration) -> ClientCredentials:
    """How the app's client authenticates at the provider's token and revocation endpoints. The
    secret is decrypted through the cipher's recent plaintexts (``Cipher.decrypt_recent``): every
    callback and refresh of the app needs the same one, and a changed secret is a new ciphertext."""
    secret = (
        services.cipher.decrypt_recent(app.client_secret_encrypted) if app.client_secret_encrypted else None
    )
    return ClientCredentials(
        client_id=app.client_id, client_secret=secret, auth_method=app.token_endpoint_auth_method
    )
