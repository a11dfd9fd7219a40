from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.security_scheme import SecurityScheme

T = TypeVar("T", bound="LinkedAccountPublic")


@_attrs_define
class LinkedAccountPublic:
    """
    Attributes:
        id (UUID):
        project_id (UUID):
        app_name (str):
        linked_account_owner_id (str):
        security_scheme (SecurityScheme): security scheme type for an app (or function if support override)
        enabled (bool):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    project_id: UUID
    app_name: str
    linked_account_owner_id: str
    security_scheme: SecurityScheme
    enabled: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        project_id = str(self.project_id)

        app_name = self.app_name

        linked_account_owner_id = self.linked_account_owner_id

        security_scheme = self.security_scheme.value

        enabled = self.enabled

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "project_id": project_id,
                "app_name": app_name,
                "linked_account_owner_id": linked_account_owner_id,
                "security_scheme": security_scheme,
                "enabled": enabled,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        project_id = UUID(d.pop("project_id"))

        app_name = d.pop("app_name")

        linked_account_owner_id = d.pop("linked_account_owner_id")

        security_scheme = SecurityScheme(d.pop("security_scheme"))

        enabled = d.pop("enabled")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        linked_account_public = cls(
            id=id,
            project_id=project_id,
            app_name=app_name,
            linked_account_owner_id=linked_account_owner_id,
            security_scheme=security_scheme,
            enabled=enabled,
            created_at=created_at,
            updated_at=updated_at,
        )

        linked_account_public.additional_properties = d
        return linked_account_public

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
