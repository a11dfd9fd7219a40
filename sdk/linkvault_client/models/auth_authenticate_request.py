from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuthAuthenticateRequest")


@_attrs_define
class AuthAuthenticateRequest:
    """
    Example:
        {'user_id': 'user-123', 'provider': 'github', 'scopes': ['repo']}

    Attributes:
        user_id (str): The user whose token is wanted; the linked account's `linked_account_owner_id`.
        provider (str): The provider id (the app configuration's `app_name`).
        scopes (list[str]):
        ls_user_id (None | str | Unset):
        agent_id (None | str | Unset):
    """

    user_id: str
    provider: str
    scopes: list[str]
    ls_user_id: None | str | Unset = UNSET
    agent_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        provider = self.provider

        scopes = self.scopes

        ls_user_id: None | str | Unset
        if isinstance(self.ls_user_id, Unset):
            ls_user_id = UNSET
        else:
            ls_user_id = self.ls_user_id

        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        else:
            agent_id = self.agent_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "provider": provider,
                "scopes": scopes,
            }
        )
        if ls_user_id is not UNSET:
            field_dict["ls_user_id"] = ls_user_id
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        provider = d.pop("provider")

        scopes = cast(list[str], d.pop("scopes"))

        def _parse_ls_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ls_user_id = _parse_ls_user_id(d.pop("ls_user_id", UNSET))

        def _parse_agent_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_id = _parse_agent_id(d.pop("agent_id", UNSET))

        auth_authenticate_request = cls(
            user_id=user_id,
            provider=provider,
            scopes=scopes,
            ls_user_id=ls_user_id,
            agent_id=agent_id,
        )

        auth_authenticate_request.additional_properties = d
        return auth_authenticate_request

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
