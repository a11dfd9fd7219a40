from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.http_bearer_credentials_security_scheme import HttpBearerCredentialsSecurityScheme

T = TypeVar("T", bound="HttpBearerCredentials")


@_attrs_define
class HttpBearerCredentials:
    """
    Attributes:
        security_scheme (HttpBearerCredentialsSecurityScheme):
        token (str):
    """

    security_scheme: HttpBearerCredentialsSecurityScheme
    token: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        security_scheme = self.security_scheme.value

        token = self.token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "security_scheme": security_scheme,
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        security_scheme = HttpBearerCredentialsSecurityScheme(d.pop("security_scheme"))

        token = d.pop("token")

        http_bearer_credentials = cls(
            security_scheme=security_scheme,
            token=token,
        )

        http_bearer_credentials.additional_properties = d
        return http_bearer_credentials

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
