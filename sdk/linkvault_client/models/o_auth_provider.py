from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OAuthProvider")


@_attrs_define
class OAuthProvider:
    """
    Attributes:
        id (UUID): The app configuration's id.
        organization_id (UUID): The project's id.
        provider_id (str): The app configuration's `app_name`.
        name (str): The name given at creation; the provider id when the app was made by `create_app_configuration`.
        client_id (str):
        auth_url (str):
        token_url (str):
        uses_pkce (bool): Always true.
        code_challenge_method (None | str): Always `S256`.
        provider_type (None | str): Always `oauth2`.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    organization_id: UUID
    provider_id: str
    name: str
    client_id: str
    auth_url: str
    token_url: str
    uses_pkce: bool
    code_challenge_method: None | str
    provider_type: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        organization_id = str(self.organization_id)

        provider_id = self.provider_id

        name = self.name

        client_id = self.client_id

        auth_url = self.auth_url

        token_url = self.token_url

        uses_pkce = self.uses_pkce

        code_challenge_method: None | str
        code_challenge_method = self.code_challenge_method

        provider_type: None | str
        provider_type = self.provider_type

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "organization_id": organization_id,
                "provider_id": provider_id,
                "name": name,
                "client_id": client_id,
                "auth_url": auth_url,
                "token_url": token_url,
                "uses_pkce": uses_pkce,
                "code_challenge_method": code_challenge_method,
                "provider_type": provider_type,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        organization_id = UUID(d.pop("organization_id"))

        provider_id = d.pop("provider_id")

        name = d.pop("name")

        client_id = d.pop("client_id")

        auth_url = d.pop("auth_url")

        token_url = d.pop("token_url")

        uses_pkce = d.pop("uses_pkce")

        def _parse_code_challenge_method(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        code_challenge_method = _parse_code_challenge_method(d.pop("code_challenge_method"))

        def _parse_provider_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider_type = _parse_provider_type(d.pop("provider_type"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        o_auth_provider = cls(
            id=id,
            organization_id=organization_id,
            provider_id=provider_id,
            name=name,
            client_id=client_id,
            auth_url=auth_url,
            token_url=token_url,
            uses_pkce=uses_pkce,
            code_challenge_method=code_challenge_method,
            provider_type=provider_type,
            created_at=created_at,
            updated_at=updated_at,
        )

        o_auth_provider.additional_properties = d
        return o_auth_provider

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
