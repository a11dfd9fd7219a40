from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CatalogRefreshTokens")


@_attrs_define
class CatalogRefreshTokens:
    """What the provider documents of its refresh tokens; null where it says nothing.

    Attributes:
        issued (bool | None):
        rotates (bool | None): Each refresh answers a new refresh token and the old one stops working.
        lifetime_seconds (int | None):
    """

    issued: bool | None
    rotates: bool | None
    lifetime_seconds: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        issued: bool | None
        issued = self.issued

        rotates: bool | None
        rotates = self.rotates

        lifetime_seconds: int | None
        lifetime_seconds = self.lifetime_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "issued": issued,
                "rotates": rotates,
                "lifetime_seconds": lifetime_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_issued(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        issued = _parse_issued(d.pop("issued"))

        def _parse_rotates(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        rotates = _parse_rotates(d.pop("rotates"))

        def _parse_lifetime_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        lifetime_seconds = _parse_lifetime_seconds(d.pop("lifetime_seconds"))

        catalog_refresh_tokens = cls(
            issued=issued,
            rotates=rotates,
            lifetime_seconds=lifetime_seconds,
        )

        catalog_refresh_tokens.additional_properties = d
        return catalog_refresh_tokens

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
