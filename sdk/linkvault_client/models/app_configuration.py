from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.security_scheme import SecurityScheme
from ..models.token_endpoint_auth_method import TokenEndpointAuthMethod

if TYPE_CHECKING:
    from ..models.app_configuration_authorize_params import AppConfigurationAuthorizeParams
    from ..models.app_configuration_provider_params import AppConfigurationProviderParams


T = TypeVar("T", bound="AppConfiguration")


@_attrs_define
class AppConfiguration:
    """
    Attributes:
        id (UUID):
        project_id (UUID):
        app_name (str):
        security_scheme (SecurityScheme): security scheme type for an app (or function if support override)
        issuer (None | str):
        authorize_url (str):
        token_url (str):
        revocation_url (None | str):
        client_id (str):
        has_client_secret (bool):
        scopes (list[str]):
        token_endpoint_auth_method (TokenEndpointAuthMethod):
        authorize_params (AppConfigurationAuthorizeParams):
        redirect_uri (str): The redirect URI sent to the provider (the default when none was configured).
        allowed_redirect_urls (list[str]):
        authorization_response_iss_parameter_supported (bool): From the provider's metadata; when true, callbacks must
            carry a matching `iss` (RFC 9207).
        refresh_idle_after (None | str): The idle refresh threshold as an ISO 8601 duration (`P180D`, `PT3600S`), or
            null.
        provider (None | str): The catalog provider the configuration was made from, if any.
        provider_params (AppConfigurationProviderParams): The values of the catalog provider's templated URL parts.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    project_id: UUID
    app_name: str
    security_scheme: SecurityScheme
    issuer: None | str
    authorize_url: str
    token_url: str
    revocation_url: None | str
    client_id: str
    has_client_secret: bool
    scopes: list[str]
    token_endpoint_auth_method: TokenEndpointAuthMethod
    authorize_params: AppConfigurationAuthorizeParams
    redirect_uri: str
    allowed_redirect_urls: list[str]
    authorization_response_iss_parameter_supported: bool
    refresh_idle_after: None | str
    provider: None | str
    provider_params: AppConfigurationProviderParams
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        project_id = str(self.project_id)

        app_name = self.app_name

        security_scheme = self.security_scheme.value

        issuer: None | str
        issuer = self.issuer

        authorize_url = self.authorize_url

        token_url = self.token_url

        revocation_url: None | str
        revocation_url = self.revocation_url

        client_id = self.client_id

        has_client_secret = self.has_client_secret

        scopes = self.scopes

        token_endpoint_auth_method = self.token_endpoint_auth_method.value

        authorize_params = self.authorize_params.to_dict()

        redirect_uri = self.redirect_uri

        allowed_redirect_urls = self.allowed_redirect_urls

        authorization_response_iss_parameter_supported = self.authorization_response_iss_parameter_supported

        refresh_idle_after: None | str
        refresh_idle_after = self.refresh_idle_after

        provider: None | str
        provider = self.provider

        provider_params = self.provider_params.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "project_id": project_id,
                "app_name": app_name,
                "security_scheme": security_scheme,
                "issuer": issuer,
                "authorize_url": authorize_url,
                "token_url": token_url,
                "revocation_url": revocation_url,
                "client_id": client_id,
                "has_client_secret": has_client_secret,
                "scopes": scopes,
                "token_endpoint_auth_method": token_endpoint_auth_method,
                "authorize_params": authorize_params,
                "redirect_uri": redirect_uri,
                "allowed_redirect_urls": allowed_redirect_urls,
                "authorization_response_iss_parameter_supported": authorization_response_iss_parameter_supported,
                "refresh_idle_after": refresh_idle_after,
                "provider": provider,
                "provider_params": provider_params,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.app_configuration_authorize_params import AppConfigurationAuthorizeParams  # noqa: PLC0415
        from ..models.app_configuration_provider_params import AppConfigurationProviderParams  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        project_id = UUID(d.pop("project_id"))

        app_name = d.pop("app_name")

        security_scheme = SecurityScheme(d.pop("security_scheme"))

        def _parse_issuer(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        issuer = _parse_issuer(d.pop("issuer"))

        authorize_url = d.pop("authorize_url")

        token_url = d.pop("token_url")

        def _parse_revocation_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        revocation_url = _parse_revocation_url(d.pop("revocation_url"))

        client_id = d.pop("client_id")

        has_client_secret = d.pop("has_client_secret")

        scopes = cast(list[str], d.pop("scopes"))

        token_endpoint_auth_method = TokenEndpointAuthMethod(d.pop("token_endpoint_auth_method"))

        authorize_params = AppConfigurationAuthorizeParams.from_dict(d.pop("authorize_params"))

        redirect_uri = d.pop("redirect_uri")

        allowed_redirect_urls = cast(list[str], d.pop("allowed_redirect_urls"))

        authorization_response_iss_parameter_supported = d.pop("authorization_response_iss_parameter_supported")

        def _parse_refresh_idle_after(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        refresh_idle_after = _parse_refresh_idle_after(d.pop("refresh_idle_after"))

        def _parse_provider(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider = _parse_provider(d.pop("provider"))

        provider_params = AppConfigurationProviderParams.from_dict(d.pop("provider_params"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        app_configuration = cls(
            id=id,
            project_id=project_id,
            app_name=app_name,
            security_scheme=security_scheme,
            issuer=issuer,
            authorize_url=authorize_url,
            token_url=token_url,
            revocation_url=revocation_url,
            client_id=client_id,
            has_client_secret=has_client_secret,
            scopes=scopes,
            token_endpoint_auth_method=token_endpoint_auth_method,
            authorize_params=authorize_params,
            redirect_uri=redirect_uri,
            allowed_redirect_urls=allowed_redirect_urls,
            authorization_response_iss_parameter_supported=authorization_response_iss_parameter_supported,
            refresh_idle_after=refresh_idle_after,
            provider=provider,
            provider_params=provider_params,
            created_at=created_at,
            updated_at=updated_at,
        )

        app_configuration.additional_properties = d
        return app_configuration

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
