from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OAuthProviderUpdate")


@_attrs_define
class OAuthProviderUpdate:
    """
    Attributes:
        name (str | Unset):
        client_id (str | Unset):
        client_secret (str | Unset):
        auth_url (str | Unset):
        token_url (str | Unset):
        uses_pkce (bool | Unset):
        code_challenge_method (None | str | Unset): Only `S256` (or null) is accepted; linkvault always uses `S256`.
    """

    name: str | Unset = UNSET
    client_id: str | Unset = UNSET
    client_secret: str | Unset = UNSET
    auth_url: str | Unset = UNSET
    token_url: str | Unset = UNSET
    uses_pkce: bool | Unset = UNSET
    code_challenge_method: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret
        if auth_url is not UNSET:
            field_dict["auth_url"] = auth_url
        if token_url is not UNSET:
            field_dict["token_url"] = token_url
        if uses_pkce is not UNSET:
            field_dict["uses_pkce"] = uses_pkce
        if code_challenge_method is not UNSET:
            field_dict["code_challenge_method"] = code_challenge_method

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        client_id = d.pop("client_id", UNSET)

        client_secret = d.pop("client_secret", UNSET)

        auth_url = d.pop("auth_url", UNSET)

        token_url = d.pop("token_url", UNSET)

        uses_pkce = d.pop("uses_pkce", UNSET)

        def _parse_code_challenge_method(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code_challenge_method = _parse_code_challenge_method(d.pop("code_challenge_method", UNSET))

        o_auth_provider_update = cls(
            name=name,
            client_id=client_id,
            client_secret=client_secret,
            auth_url=auth_url,
            token_url=token_url,
            uses_pkce=uses_pkce,
            code_challenge_method=code_challenge_method,
        )

        o_auth_provider_update.additional_properties = d
        return o_auth_provider_update

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
