from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OAuthProviderCreate")


@_attrs_define
class OAuthProviderCreate:
    """
    Example:
        {'provider_id': 'github', 'name': 'GitHub', 'client_id': 'Iv1.8a61f9b3a7aba766', 'client_secret': 'example-
            client-secret', 'auth_url': 'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token'}

    Attributes:
        provider_id (str):
        name (str):
        client_id (str):
        client_secret (str):
        auth_url (str):
        token_url (str):
        uses_pkce (bool | Unset): Accepted for compatibility; linkvault always uses PKCE.
        code_challenge_method (None | str | Unset): Only `S256` (or null) is accepted; linkvault always uses `S256`.
    """

    provider_id: str
    name: str
    client_id: str
    client_secret: str
    auth_url: str
    token_url: str
    uses_pkce: bool | Unset = UNSET
    code_challenge_method: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        provider_id = self.provider_id

        name = self.name

        client_id = self.client_id

        client_secret = self.client_secret

        auth_url = self.auth_url

        token_url = self.token_url

        uses_pkce = self.uses_pkce

        code_challenge_method: None | str | Unset
        if isinstance(self.code_challenge_method, Unset):
            code_challenge_method = UNSET
        else:
            code_challenge_method = self.code_challenge_method

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "provider_id": provider_id,
                "name": name,
                "client_id": client_id,
                "client_secret": client_secret,
                "auth_url": auth_url,
                "token_url": token_url,
            }
        )
        if uses_pkce is not UNSET:
            field_dict["uses_pkce"] = uses_pkce
        if code_challenge_method is not UNSET:
            field_dict["code_challenge_method"] = code_challenge_method

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider_id = d.pop("provider_id")

        name = d.pop("name")

        client_id = d.pop("client_id")

        client_secret = d.pop("client_secret")

        auth_url = d.pop("auth_url")

        token_url = d.pop("token_url")

        uses_pkce = d.pop("uses_pkce", UNSET)

        def _parse_code_challenge_method(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code_challenge_method = _parse_code_challenge_method(d.pop("code_challenge_method", UNSET))

        o_auth_provider_create = cls(
            provider_id=provider_id,
            name=name,
            client_id=client_id,
            client_secret=client_secret,
            auth_url=auth_url,
            token_url=token_url,
            uses_pkce=uses_pkce,
            code_challenge_method=code_challenge_method,
        )

        o_auth_provider_create.additional_properties = d
        return o_auth_provider_create

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
