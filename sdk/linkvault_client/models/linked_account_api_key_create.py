from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LinkedAccountAPIKeyCreate")


@_attrs_define
class LinkedAccountAPIKeyCreate:
    """
    Attributes:
        app_name (str):
        linked_account_owner_id (str):
        api_key (str):
    """

    app_name: str
    linked_account_owner_id: str
    api_key: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        app_name = self.app_name

        linked_account_owner_id = self.linked_account_owner_id

        api_key = self.api_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "app_name": app_name,
                "linked_account_owner_id": linked_account_owner_id,
                "api_key": api_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_name = d.pop("app_name")

        linked_account_owner_id = d.pop("linked_account_owner_id")

        api_key = d.pop("api_key")

        linked_account_api_key_create = cls(
            app_name=app_name,
            linked_account_owner_id=linked_account_owner_id,
            api_key=api_key,
        )

        linked_account_api_key_create.additional_properties = d
        return linked_account_api_key_create

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
