from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.auth_wait_result_status import AuthWaitResultStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="AuthWaitResult")


@_attrs_define
class AuthWaitResult:
    """
    Attributes:
        status (AuthWaitResultStatus):
        token (str | Unset): With `completed`, the access token.
        code (str | Unset): With `failed`, why the link failed (the `code` a callback answered, e.g. `access_denied`).
    """

    status: AuthWaitResultStatus
    token: str | Unset = UNSET
    code: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        token = self.token

        code = self.code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if token is not UNSET:
            field_dict["token"] = token
        if code is not UNSET:
            field_dict["code"] = code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = AuthWaitResultStatus(d.pop("status"))

        token = d.pop("token", UNSET)

        code = d.pop("code", UNSET)

        auth_wait_result = cls(
            status=status,
            token=token,
            code=code,
        )

        auth_wait_result.additional_properties = d
        return auth_wait_result

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
