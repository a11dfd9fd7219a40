from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.token_endpoint_auth_method import TokenEndpointAuthMethod
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.app_configuration_update_authorize_params import AppConfigurationUpdateAuthorizeParams
    from ..models.app_configuration_update_provider_params import AppConfigurationUpdateProviderParams


T = TypeVar("T", bound="AppConfigurationUpdate")


@_attrs_define
class AppConfigurationUpdate:
    """
    Example:
        {'scopes': ['repo', 'read:user', 'read:org'], 'authorize_params': {'allow_signup': 'false'}}

    Attributes:
        issuer (None | str | Unset): A new issuer (its endpoints are discovered again), or null to drop the issuer and
            its checks (the RFC 9207 `iss` check, ID tokens) while keeping the endpoints. New `authorize_url` or `token_url`
            on an app that has an issuer need `issuer` too (null, to drop it): they are refused with 400 otherwise, so that
            a change of URL never switches the checks off unnoticed.
        authorize_url (str | Unset):
        token_url (str | Unset):
        revocation_url (None | str | Unset):
        client_id (str | Unset):
        client_secret (None | str | Unset):
        scopes (list[str] | Unset):
        token_endpoint_auth_method (TokenEndpointAuthMethod | Unset):
        authorize_params (AppConfigurationUpdateAuthorizeParams | Unset):
        redirect_uri (None | str | Unset):
        allowed_redirect_urls (list[str] | Unset):
        refresh_idle_after (None | str | Unset): Refresh an account in the background when its refresh token has not
            been used for this long (some providers expire idle refresh tokens): an ISO 8601 duration (`P180D`, `PT12H`) or
            a number of seconds (`"86400"`), at least 60 seconds. Null or left out: never.
        provider (None | str | Unset): A provider of the catalog (`GET /v1/apps`): its endpoints and client
            authentication replace the current ones (explicit fields in the request winning), and its `scopes` and
            `authorize_params` too when it is another provider than the current one. Null: no catalog entry (the current
            endpoints and settings are kept; token responses are read as RFC 6749 says).
        provider_params (AppConfigurationUpdateProviderParams | Unset): Values of the provider's templated URL parts;
            the endpoints are derived again from them. Left out: the current values when the provider stays the same, none
            for another.
    """

    issuer: None | str | Unset = UNSET
    authorize_url: str | Unset = UNSET
    token_url: str | Unset = UNSET
    revocation_url: None | str | Unset = UNSET
    client_id: str | Unset = UNSET
    client_secret: None | str | Unset = UNSET
    scopes: list[str] | Unset = UNSET
    token_endpoint_auth_method: TokenEndpointAuthMethod | Unset = UNSET
    authorize_params: AppConfigurationUpdateAuthorizeParams | Unset = UNSET
    redirect_uri: None | str | Unset = UNSET
    allowed_redirect_urls: list[str] | Unset = UNSET
    refresh_idle_after: None | str | Unset = UNSET
    provider: None | str | Unset = UNSET
    provider_params: AppConfigurationUpdateProviderParams | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        issuer: None | str | Unset
        if isinstance(self.issuer, Unset):
            issuer = UNSET
        else:
            issuer = self.issuer

        authorize_url = self.authorize_url

        token_url = self.token_url

        revocation_url: None | str | Unset
        if isinstance(self.revocation_url, Unset):
            revocation_url = UNSET
        else:
            revocation_url = self.revocation_url

        client_id = self.client_id

        client_secret: None | str | Unset
        if isinstance(self.client_secret, Unset):
            client_secret = UNSET
        else:
            client_secret = self.client_secret

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        token_endpoint_auth_method: str | Unset = UNSET
        if not isinstance(self.token_endpoint_auth_method, Unset):
            token_endpoint_auth_method = self.token_endpoint_auth_method.value

        authorize_params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.authorize_params, Unset):
            authorize_params = self.authorize_params.to_dict()

        redirect_uri: None | str | Unset
        if isinstance(self.redirect_uri, Unset):
            redirect_uri = UNSET
        else:
            redirect_uri = self.redirect_uri

        allowed_redirect_urls: list[str] | Unset = UNSET
        if not isinstance(self.allowed_redirect_urls, Unset):
            allowed_redirect_urls = self.allowed_redirect_urls

        refresh_idle_after: None | str | Unset
        if isinstance(self.refresh_idle_after, Unset):
            refresh_idle_after = UNSET
        else:
            refresh_idle_after = self.refresh_idle_after

        provider: None | str | Unset
        if isinstance(self.provider, Unset):
            provider = UNSET
        else:
            provider = self.provider

        provider_params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.provider_params, Unset):
            provider_params = self.provider_params.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if issuer is not UNSET:
            field_dict["issuer"] = issuer
        if authorize_url is not UNSET:
            field_dict["authorize_url"] = authorize_url
        if token_url is not UNSET:
            field_dict["token_url"] = token_url
        if revocation_url is not UNSET:
            field_dict["revocation_url"] = revocation_url
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if token_endpoint_auth_method is not UNSET:
            field_dict["token_endpoint_auth_method"] = token_endpoint_auth_method
        if authorize_params is not UNSET:
            field_dict["authorize_params"] = authorize_params
        if redirect_uri is not UNSET:
            field_dict["redirect_uri"] = redirect_uri
        if allowed_redirect_urls is not UNSET:
            field_dict["allowed_redirect_urls"] = allowed_redirect_urls
        if refresh_idle_after is not UNSET:
            field_dict["refresh_idle_after"] = refresh_idle_after
        if provider is not UNSET:
            field_dict["provider"] = provider
        if provider_params is not UNSET:
            field_dict["provider_params"] = provider_params

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.app_configuration_update_authorize_params import AppConfigurationUpdateAuthorizeParams  # noqa: PLC0415
        from ..models.app_configuration_update_provider_params import AppConfigurationUpdateProviderParams  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_issuer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        issuer = _parse_issuer(d.pop("issuer", UNSET))

        authorize_url = d.pop("authorize_url", UNSET)

        token_url = d.pop("token_url", UNSET)

        def _parse_revocation_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revocation_url = _parse_revocation_url(d.pop("revocation_url", UNSET))

        client_id = d.pop("client_id", UNSET)

        def _parse_client_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_secret = _parse_client_secret(d.pop("client_secret", UNSET))

        scopes = cast(list[str], d.pop("scopes", UNSET))

        _token_endpoint_auth_method = d.pop("token_endpoint_auth_method", UNSET)
        token_endpoint_auth_method: TokenEndpointAuthMethod | Unset
        if isinstance(_token_endpoint_auth_method, Unset):
            token_endpoint_auth_method = UNSET
        else:
            token_endpoint_auth_method = TokenEndpointAuthMethod(_token_endpoint_auth_method)

        _authorize_params = d.pop("authorize_params", UNSET)
        authorize_params: AppConfigurationUpdateAuthorizeParams | Unset
        if isinstance(_authorize_params, Unset):
            authorize_params = UNSET
        else:
            authorize_params = AppConfigurationUpdateAuthorizeParams.from_dict(_authorize_params)

        def _parse_redirect_uri(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        redirect_uri = _parse_redirect_uri(d.pop("redirect_uri", UNSET))

        allowed_redirect_urls = cast(list[str], d.pop("allowed_redirect_urls", UNSET))

        def _parse_refresh_idle_after(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        refresh_idle_after = _parse_refresh_idle_after(d.pop("refresh_idle_after", UNSET))

        def _parse_provider(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider = _parse_provider(d.pop("provider", UNSET))

        _provider_params = d.pop("provider_params", UNSET)
        provider_params: AppConfigurationUpdateProviderParams | Unset
        if isinstance(_provider_params, Unset):
            provider_params = UNSET
        else:
            provider_params = AppConfigurationUpdateProviderParams.from_dict(_provider_params)

        app_configuration_update = cls(
            issuer=issuer,
            authorize_url=authorize_url,
            token_url=token_url,
            revocation_url=revocation_url,
            client_id=client_id,
            client_secret=client_secret,
            scopes=scopes,
            token_endpoint_auth_method=token_endpoint_auth_method,
            authorize_params=authorize_params,
            redirect_uri=redirect_uri,
            allowed_redirect_urls=allowed_redirect_urls,
            refresh_idle_after=refresh_idle_after,
            provider=provider,
            provider_params=provider_params,
        )

        return app_configuration_update
