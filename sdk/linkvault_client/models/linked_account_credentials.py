from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.linked_account_credentials_security_scheme import LinkedAccountCredentialsSecurityScheme

T = TypeVar("T", bound="LinkedAccountCredentials")


@_attrs_define
class LinkedAccountCredentials:
    """An OAuth2 account's credentials.

    Attributes:
        security_scheme (LinkedAccountCredentialsSecurityScheme):
        access_token (str):
        token_type (str): How the token is used, e.g. `Bearer` (RFC 6749 §7.1).
        expires_at (datetime.datetime | None): When the access token expires; null when the provider gave no lifetime.
        scope (None | str): The granted scope, space-separated (RFC 6749 §3.3).
        sequence (int): Counts credential writes; a higher number is newer credentials.
    """

    security_scheme: LinkedAccountCredentialsSecurityScheme
    access_token: str
    token_type: str
    expires_at: datetime.datetime | None
    scope: None | str
    sequence: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        security_scheme = self.security_scheme.value

        access_token = self.access_token

        token_type = self.token_type

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        scope: None | str
        scope = self.scope

        sequence = self.sequence

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "security_scheme": security_scheme,
                "access_token": access_token,
                "token_type": token_type,
                "expires_at": expires_at,
                "scope": scope,
                "sequence": sequence,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        security_scheme = LinkedAccountCredentialsSecurityScheme(d.pop("security_scheme"))

        access_token = d.pop("access_token")

        token_type = d.pop("token_type")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        def _parse_scope(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        scope = _parse_scope(d.pop("scope"))

        sequence = d.pop("sequence")

        linked_account_credentials = cls(
            security_scheme=security_scheme,
            access_token=access_token,
            token_type=token_type,
            expires_at=expires_at,
            scope=scope,
            sequence=sequence,
        )

        linked_account_credentials.additional_properties = d
        return linked_account_credentials

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
