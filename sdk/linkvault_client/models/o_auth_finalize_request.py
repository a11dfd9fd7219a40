from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OAuthFinalizeRequest")


@_attrs_define
class OAuthFinalizeRequest:
    """Request model for frontend-bridged OAuth callback finalization.

    Attributes:
        code (str):
        state (str):
        iss (str | Unset): The `iss` parameter of the provider's redirect (RFC 9207). Required when the provider
            advertises `authorization_response_iss_parameter_supported`.
    """

    code: str
    state: str
    iss: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        state = self.state

        iss = self.iss

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "state": state,
            }
        )
        if iss is not UNSET:
            field_dict["iss"] = iss

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        state = d.pop("state")

        iss = d.pop("iss", UNSET)

        o_auth_finalize_request = cls(
            code=code,
            state=state,
            iss=iss,
        )

        o_auth_finalize_request.additional_properties = d
        return o_auth_finalize_request

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
