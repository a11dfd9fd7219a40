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
        state (str):
        code (str | Unset): The `code` of the provider's redirect; absent when the redirect carried `error`.
        error (str | Unset): The `error` of the provider's redirect when it refused (RFC 6749 §4.1.2.1), e.g.
            `access_denied`.
        error_description (str | Unset): The provider's `error_description`, if any; never reflected back.
        iss (str | Unset): The `iss` parameter of the provider's redirect (RFC 9207). Required when the provider
            advertises `authorization_response_iss_parameter_supported`.
    """

    state: str
    code: str | Unset = UNSET
    error: str | Unset = UNSET
    error_description: str | Unset = UNSET
    iss: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        state = self.state

        code = self.code

        error = self.error

        error_description = self.error_description

        iss = self.iss

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "state": state,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if error is not UNSET:
            field_dict["error"] = error
        if error_description is not UNSET:
            field_dict["error_description"] = error_description
        if iss is not UNSET:
            field_dict["iss"] = iss

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        state = d.pop("state")

        code = d.pop("code", UNSET)

        error = d.pop("error", UNSET)

        error_description = d.pop("error_description", UNSET)

        iss = d.pop("iss", UNSET)

        o_auth_finalize_request = cls(
            state=state,
            code=code,
            error=error,
            error_description=error_description,
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
