from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.catalog_entry_authorize_params import CatalogEntryAuthorizeParams
    from ..models.catalog_entry_params import CatalogEntryParams
    from ..models.catalog_refresh_tokens import CatalogRefreshTokens
    from ..models.catalog_token_quirks import CatalogTokenQuirks


T = TypeVar("T", bound="CatalogEntry")


@_attrs_define
class CatalogEntry:
    """One provider of the catalog. URLs may hold `{param}` parts, filled from an app configuration's `provider_params`. A
    field that is null was not stated by the provider's documentation.

        Attributes:
            name (str): What an app configuration names as `provider`.
            display_name (str):
            authorize_url (str):
            token_url (str):
            revocation_url (None | str): The RFC 7009 revocation endpoint, when the provider has one.
            issuer (None | str): The issuer of its RFC 8414 / OpenID Connect discovery metadata. An app configuration naming
                this entry is discovered from it (endpoints, `jwks_uri`, RFC 9207 support), so that its ID tokens are validated,
                unless it gives `issuer`, `authorize_url` or `token_url` itself.
            id_token_issuers (list[str]): Other values of an ID token's `iss` the provider documents for `issuer` (Google's
                bare `accounts.google.com`), accepted for an app configuration discovered from this entry's issuer.
            params (CatalogEntryParams): The templated URL parts, by name.
            scopes (list[str]): The default scopes.
            scope_separator (str): How the authorization request joins scopes (`" "` as RFC 6749 §3.3 says, or `","`).
            authorize_params (CatalogEntryAuthorizeParams): Extra authorization request parameters, e.g. Google's
                `access_type=offline`.
            pkce (None | str): RFC 7636 support, `required` or `supported` (linkvault always sends S256).
            token_endpoint_auth_method (None | str): `client_secret_basic` or `client_secret_post` (RFC 6749 §2.3.1).
            refresh_tokens (CatalogRefreshTokens): What the provider documents of its refresh tokens; null where it says
                nothing.
            token_response (CatalogTokenQuirks): How the provider's token response departs from RFC 6749 §5.1 and §5.2.
            api_base_url (None | str):
            notes (None | str):
            docs (list[str]): The provider's public documentation the facts were taken from.
    """

    name: str
    display_name: str
    authorize_url: str
    token_url: str
    revocation_url: None | str
    issuer: None | str
    id_token_issuers: list[str]
    params: CatalogEntryParams
    scopes: list[str]
    scope_separator: str
    authorize_params: CatalogEntryAuthorizeParams
    pkce: None | str
    token_endpoint_auth_method: None | str
    refresh_tokens: CatalogRefreshTokens
    token_response: CatalogTokenQuirks
    api_base_url: None | str
    notes: None | str
    docs: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        display_name = self.display_name

        authorize_url = self.authorize_url

        token_url = self.token_url

        revocation_url: None | str
        revocation_url = self.revocation_url

        issuer: None | str
        issuer = self.issuer

        id_token_issuers = self.id_token_issuers

        params = self.params.to_dict()

        scopes = self.scopes

        scope_separator = self.scope_separator

        authorize_params = self.authorize_params.to_dict()

        pkce: None | str
        pkce = self.pkce

        token_endpoint_auth_method: None | str
        token_endpoint_auth_method = self.token_endpoint_auth_method

        refresh_tokens = self.refresh_tokens.to_dict()

        token_response = self.token_response.to_dict()

        api_base_url: None | str
        api_base_url = self.api_base_url

        notes: None | str
        notes = self.notes

        docs = self.docs

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "display_name": display_name,
                "authorize_url": authorize_url,
                "token_url": token_url,
                "revocation_url": revocation_url,
                "issuer": issuer,
                "id_token_issuers": id_token_issuers,
                "params": params,
                "scopes": scopes,
                "scope_separator": scope_separator,
                "authorize_params": authorize_params,
                "pkce": pkce,
                "token_endpoint_auth_method": token_endpoint_auth_method,
                "refresh_tokens": refresh_tokens,
                "token_response": token_response,
                "api_base_url": api_base_url,
                "notes": notes,
                "docs": docs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.catalog_entry_authorize_params import CatalogEntryAuthorizeParams  # noqa: PLC0415
        from ..models.catalog_entry_params import CatalogEntryParams  # noqa: PLC0415
        from ..models.catalog_refresh_tokens import CatalogRefreshTokens  # noqa: PLC0415
        from ..models.catalog_token_quirks import CatalogTokenQuirks  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        display_name = d.pop("display_name")

        authorize_url = d.pop("authorize_url")

        token_url = d.pop("token_url")

        def _parse_revocation_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        revocation_url = _parse_revocation_url(d.pop("revocation_url"))

        def _parse_issuer(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        issuer = _parse_issuer(d.pop("issuer"))

        id_token_issuers = cast(list[str], d.pop("id_token_issuers"))

        params = CatalogEntryParams.from_dict(d.pop("params"))

        scopes = cast(list[str], d.pop("scopes"))

        scope_separator = d.pop("scope_separator")

        authorize_params = CatalogEntryAuthorizeParams.from_dict(d.pop("authorize_params"))

        def _parse_pkce(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pkce = _parse_pkce(d.pop("pkce"))

        def _parse_token_endpoint_auth_method(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        token_endpoint_auth_method = _parse_token_endpoint_auth_method(d.pop("token_endpoint_auth_method"))

        refresh_tokens = CatalogRefreshTokens.from_dict(d.pop("refresh_tokens"))

        token_response = CatalogTokenQuirks.from_dict(d.pop("token_response"))

        def _parse_api_base_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        api_base_url = _parse_api_base_url(d.pop("api_base_url"))

        def _parse_notes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notes = _parse_notes(d.pop("notes"))

        docs = cast(list[str], d.pop("docs"))

        catalog_entry = cls(
            name=name,
            display_name=display_name,
            authorize_url=authorize_url,
            token_url=token_url,
            revocation_url=revocation_url,
            issuer=issuer,
            id_token_issuers=id_token_issuers,
            params=params,
            scopes=scopes,
            scope_separator=scope_separator,
            authorize_params=authorize_params,
            pkce=pkce,
            token_endpoint_auth_method=token_endpoint_auth_method,
            refresh_tokens=refresh_tokens,
            token_response=token_response,
            api_base_url=api_base_url,
            notes=notes,
            docs=docs,
        )

        catalog_entry.additional_properties = d
        return catalog_entry

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
