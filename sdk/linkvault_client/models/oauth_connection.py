from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OauthConnection")


@_attrs_define
class OauthConnection:
    """
    Example:
        {'access_token': 'eyJhbGciOiJSUzI1Ni...', 'expires_in': 1800, 'expiry': '2025-05-29T17:09:39.816102+01:00',
            'modified': 1748533179, 'refresh_token': 'ulpL_...', 'sequence': 85, 'subject':
            'ms.integration.oauth.AC75JGNMJHTRQNXCBDMIAJCJ57HAEWP2RGWXJCIFFGW2K64OKG267A2D.xero.demo', 'token_type':
            'Bearer'}

    Attributes:
        access_token (str | Unset): OAuth access token Example: eyJhbGciOiJSUzI1Ni....
        token_type (str | Unset): Token type (usually Bearer) Example: Bearer.
        refresh_token (str | Unset): OAuth refresh token Example: ulpL_....
        expiry (datetime.datetime | Unset): Token expiration time Example: 2025-05-29T17:09:39.816102+01:00.
        expires_in (int | Unset): Token expires in seconds Example: 1800.
        sequence (int | Unset): Message sequence number Example: 85.
        subject (str | Unset): Message subject Example:
            ms.integration.oauth.AC75JGNMJHTRQNXCBDMIAJCJ57HAEWP2RGWXJCIFFGW2K64OKG267A2D.xero.demo.
        modified (int | Unset): Last modified timestamp Example: 1748533179.
    """

    access_token: str | Unset = UNSET
    token_type: str | Unset = UNSET
    refresh_token: str | Unset = UNSET
    expiry: datetime.datetime | Unset = UNSET
    expires_in: int | Unset = UNSET
    sequence: int | Unset = UNSET
    subject: str | Unset = UNSET
    modified: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        token_type = self.token_type

        refresh_token = self.refresh_token

        expiry: str | Unset = UNSET
        if not isinstance(self.expiry, Unset):
            expiry = self.expiry.isoformat()

        expires_in = self.expires_in

        sequence = self.sequence

        subject = self.subject

        modified = self.modified

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if access_token is not UNSET:
            field_dict["access_token"] = access_token
        if token_type is not UNSET:
            field_dict["token_type"] = token_type
        if refresh_token is not UNSET:
            field_dict["refresh_token"] = refresh_token
        if expiry is not UNSET:
            field_dict["expiry"] = expiry
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if sequence is not UNSET:
            field_dict["sequence"] = sequence
        if subject is not UNSET:
            field_dict["subject"] = subject
        if modified is not UNSET:
            field_dict["modified"] = modified

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("access_token", UNSET)

        token_type = d.pop("token_type", UNSET)

        refresh_token = d.pop("refresh_token", UNSET)

        _expiry = d.pop("expiry", UNSET)
        expiry: datetime.datetime | Unset
        if isinstance(_expiry, Unset):
            expiry = UNSET
        else:
            expiry = datetime.datetime.fromisoformat(_expiry)

        expires_in = d.pop("expires_in", UNSET)

        sequence = d.pop("sequence", UNSET)

        subject = d.pop("subject", UNSET)

        modified = d.pop("modified", UNSET)

        oauth_connection = cls(
            access_token=access_token,
            token_type=token_type,
            refresh_token=refresh_token,
            expiry=expiry,
            expires_in=expires_in,
            sequence=sequence,
            subject=subject,
            modified=modified,
        )

        oauth_connection.additional_properties = d
        return oauth_connection

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
