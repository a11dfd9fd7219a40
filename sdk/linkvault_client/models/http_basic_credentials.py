from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.http_basic_credentials_security_scheme import HttpBasicCredentialsSecurityScheme

T = TypeVar("T", bound="HttpBasicCredentials")


@_attrs_define
class HttpBasicCredentials:
    """
    Attributes:
        security_scheme (HttpBasicCredentialsSecurityScheme):
        username (str):
        password (str):
    """

    security_scheme: HttpBasicCredentialsSecurityScheme
    username: str
    password: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        security_scheme = self.security_scheme.value

        username = self.username

        password = self.password

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "security_scheme": security_scheme,
                "username": username,
                "password": password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        security_scheme = HttpBasicCredentialsSecurityScheme(d.pop("security_scheme"))

        username = d.pop("username")

        password = d.pop("password")

        http_basic_credentials = cls(
            security_scheme=security_scheme,
            username=username,
            password=password,
        )

        http_basic_credentials.additional_properties = d
        return http_basic_credentials

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
