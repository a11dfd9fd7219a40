from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.linked_account_status import LinkedAccountStatus
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
        status (LinkedAccountStatus): `active`: credentials are handed out. `needs_reauth`: the refresh token is dead
            (`invalid_grant`) or an expired token has none; link the same owner again to recover. `disabled`: switched off
            with PATCH; no credentials until enabled, or linked again (a completed link enables the account).
        last_refreshed_at (datetime.datetime | None): When linkvault last refreshed the access token; null before the
            first refresh.
        provider_subject (None | str): The user's subject at the provider (the ID token's `sub`), when the provider sent
            one.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    project_id: UUID
    app_name: str
    linked_account_owner_id: str
    security_scheme: SecurityScheme
    enabled: bool
    status: LinkedAccountStatus
    last_refreshed_at: datetime.datetime | None
    provider_subject: None | str
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

        status = self.status.value

        last_refreshed_at: None | str
        if isinstance(self.last_refreshed_at, datetime.datetime):
            last_refreshed_at = self.last_refreshed_at.isoformat()
        else:
            last_refreshed_at = self.last_refreshed_at

        provider_subject: None | str
        provider_subject = self.provider_subject

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
                "status": status,
                "last_refreshed_at": last_refreshed_at,
                "provider_subject": provider_subject,
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

        status = LinkedAccountStatus(d.pop("status"))

        def _parse_last_refreshed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_refreshed_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_refreshed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_refreshed_at = _parse_last_refreshed_at(d.pop("last_refreshed_at"))

        def _parse_provider_subject(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider_subject = _parse_provider_subject(d.pop("provider_subject"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        linked_account_public = cls(
            id=id,
            project_id=project_id,
            app_name=app_name,
            linked_account_owner_id=linked_account_owner_id,
            security_scheme=security_scheme,
            enabled=enabled,
            status=status,
            last_refreshed_at=last_refreshed_at,
            provider_subject=provider_subject,
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
