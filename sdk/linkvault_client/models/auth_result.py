from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.auth_result_status import AuthResultStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="AuthResult")


@_attrs_define
class AuthResult:
    """
    Attributes:
        status (AuthResultStatus):
        token (str | Unset): With `completed`, the access token.
        url (str | Unset): With `pending`, the provider's authorization URL to send the user to.
        auth_id (str | Unset): With `pending`, the id to wait on (`GET /v2/auth/wait/{auth_id}`); not the state.
    """

    status: AuthResultStatus
    token: str | Unset = UNSET
    url: str | Unset = UNSET
    auth_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        token = self.token

        url = self.url

        auth_id = self.auth_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if token is not UNSET:
            field_dict["token"] = token
        if url is not UNSET:
            field_dict["url"] = url
        if auth_id is not UNSET:
            field_dict["auth_id"] = auth_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = AuthResultStatus(d.pop("status"))

        token = d.pop("token", UNSET)

        url = d.pop("url", UNSET)

        auth_id = d.pop("auth_id", UNSET)

        auth_result = cls(
            status=status,
            token=token,
            url=url,
            auth_id=auth_id,
        )

        auth_result.additional_properties = d
        return auth_result

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
