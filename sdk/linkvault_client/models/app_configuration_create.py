from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.security_scheme import SecurityScheme
from ..models.token_endpoint_auth_method import TokenEndpointAuthMethod
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.app_configuration_create_authorize_params import AppConfigurationCreateAuthorizeParams
    from ..models.app_configuration_create_provider_params import AppConfigurationCreateProviderParams


T = TypeVar("T", bound="AppConfigurationCreate")


@_attrs_define
class AppConfigurationCreate:
    """
    Example:
        {'app_name': 'github', 'authorize_url': 'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token', 'client_id': 'Iv1.8a61f9b3a7aba766', 'client_secret': 'example-
            client-secret', 'scopes': ['repo', 'read:user'], 'allowed_redirect_urls':
            ['https://app.example.com/settings/integrations']}

    Attributes:
        app_name (str):
        security_scheme (SecurityScheme | Unset): security scheme type for an app (or function if support override)
        issuer (str | Unset): The provider's issuer; its discovery metadata fills the endpoints.
        authorize_url (str | Unset):
        token_url (str | Unset):
        revocation_url (str | Unset):
        client_id (str | Unset):
        client_secret (str | Unset):
        scopes (list[str] | Unset):
        token_endpoint_auth_method (TokenEndpointAuthMethod | Unset):
        authorize_params (AppConfigurationCreateAuthorizeParams | Unset): Extra authorization request parameters, e.g.
            `{"access_type": "offline"}`. Parameters linkvault sets itself (`response_type`, `client_id`, `redirect_uri`,
            `scope`, `state`, `code_challenge`, `code_challenge_method`) are refused.
        redirect_uri (str | Unset): Where the provider sends the user back: an application frontend URL for bridged
            callbacks. Default: linkvault's own GET callback under `LINKVAULT_PUBLIC_URL`.
        allowed_redirect_urls (list[str] | Unset): The allow-list for `after_oauth2_link_redirect_url`.
        refresh_idle_after (None | str | Unset): Refresh an account in the background when its refresh token has not
            been used for this long (some providers expire idle refresh tokens): an ISO 8601 duration (`P180D`, `PT12H`) or
            a number of seconds (`"86400"`), at least 60 seconds. Null or left out: never.
        provider (str | Unset): A provider of the catalog (`GET /v1/apps`): its endpoints (by discovery of its issuer
            where the entry has one) and defaults fill the fields left out, and linkvault reads its token responses the
            provider's way.
        provider_params (AppConfigurationCreateProviderParams | Unset): Values of the provider's templated URL parts,
            e.g. `{"shop": "acme"}` for Shopify; each must match the pattern the catalog gives for it.
    """

    app_name: str
    security_scheme: SecurityScheme | Unset = UNSET
    issuer: str | Unset = UNSET
    authorize_url: str | Unset = UNSET
    token_url: str | Unset = UNSET
    revocation_url: str | Unset = UNSET
    client_id: str | Unset = UNSET
    client_secret: str | Unset = UNSET
    scopes: list[str] | Unset = UNSET
    token_endpoint_auth_method: TokenEndpointAuthMethod | Unset = UNSET
    authorize_params: AppConfigurationCreateAuthorizeParams | Unset = UNSET
    redirect_uri: str | Unset = UNSET
    allowed_redirect_urls: list[str] | Unset = UNSET
    refresh_idle_after: None | str | Unset = UNSET
    provider: str | Unset = UNSET
    provider_params: AppConfigurationCreateProviderParams | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        app_name = self.app_name

        security_scheme: str | Unset = UNSET
        if not isinstance(self.security_scheme, Unset):
            security_scheme = self.security_scheme.value

        issuer = self.issuer

        authorize_url = self.authorize_url

        token_url = self.token_url

        revocation_url = self.revocation_url

        client_id = self.client_id

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

        redirect_uri = self.redirect_uri

        allowed_redirect_urls: list[str] | Unset = UNSET
        if not isinstance(self.allowed_redirect_urls, Unset):
            allowed_redirect_urls = self.allowed_redirect_urls

        refresh_idle_after: None | str | Unset
        if isinstance(self.refresh_idle_after, Unset):
            refresh_idle_after = UNSET
        else:
            refresh_idle_after = self.refresh_idle_after

        provider = self.provider

        provider_params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.provider_params, Unset):
            provider_params = self.provider_params.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "app_name": app_name,
            }
        )
        if security_scheme is not UNSET:
            field_dict["security_scheme"] = security_scheme
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
        from ..models.app_configuration_create_authorize_params import AppConfigurationCreateAuthorizeParams  # noqa: PLC0415
        from ..models.app_configuration_create_provider_params import AppConfigurationCreateProviderParams  # noqa: PLC0415

        d = dict(src_dict)
        app_name = d.pop("app_name")

        _security_scheme = d.pop("security_scheme", UNSET)
        security_scheme: SecurityScheme | Unset
        if isinstance(_security_scheme, Unset):
            security_scheme = UNSET
        else:
            security_scheme = SecurityScheme(_security_scheme)

        issuer = d.pop("issuer", UNSET)

        authorize_url = d.pop("authorize_url", UNSET)

        token_url = d.pop("token_url", UNSET)

        revocation_url = d.pop("revocation_url", UNSET)

        client_id = d.pop("client_id", UNSET)

        client_secret = d.pop("client_secret", UNSET)

        scopes = cast(list[str], d.pop("scopes", UNSET))

        _token_endpoint_auth_method = d.pop("token_endpoint_auth_method", UNSET)
        token_endpoint_auth_method: TokenEndpointAuthMethod | Unset
        if isinstance(_token_endpoint_auth_method, Unset):
            token_endpoint_auth_method = UNSET
        else:
            token_endpoint_auth_method = TokenEndpointAuthMethod(_token_endpoint_auth_method)

        _authorize_params = d.pop("authorize_params", UNSET)
        authorize_params: AppConfigurationCreateAuthorizeParams | Unset
        if isinstance(_authorize_params, Unset):
            authorize_params = UNSET
        else:
            authorize_params = AppConfigurationCreateAuthorizeParams.from_dict(_authorize_params)

        redirect_uri = d.pop("redirect_uri", UNSET)

        allowed_redirect_urls = cast(list[str], d.pop("allowed_redirect_urls", UNSET))

        def _parse_refresh_idle_after(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        refresh_idle_after = _parse_refresh_idle_after(d.pop("refresh_idle_after", UNSET))

        provider = d.pop("provider", UNSET)

        _provider_params = d.pop("provider_params", UNSET)
        provider_params: AppConfigurationCreateProviderParams | Unset
        if isinstance(_provider_params, Unset):
            provider_params = UNSET
        else:
            provider_params = AppConfigurationCreateProviderParams.from_dict(_provider_params)

        app_configuration_create = cls(
            app_name=app_name,
            security_scheme=security_scheme,
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

        return app_configuration_create
