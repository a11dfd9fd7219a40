from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.linked_account_event_data_reason import LinkedAccountEventDataReason
from ..models.linked_account_event_data_revocation import LinkedAccountEventDataRevocation
from ..models.linked_account_status import LinkedAccountStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="LinkedAccountEventData")


@_attrs_define
class LinkedAccountEventData:
    """The `data` of every `linked_account.*` event.

    Attributes:
        linked_account_id (UUID):
        project_id (UUID):
        app_name (str):
        linked_account_owner_id (str):
        status (LinkedAccountStatus): `active`: credentials are handed out. `needs_reauth`: the refresh token is dead
            (`invalid_grant`) or an expired token has none; link the same owner again to recover. `disabled`: switched off
            with PATCH; no credentials until enabled, or linked again (a completed link enables the account).
        sequence (int): Counts the account's credential writes; a larger one is newer.
        last_refreshed_at (datetime.datetime | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        reason (LinkedAccountEventDataReason | Unset): `linked_account.needs_reauth` only: why.
        revocation (LinkedAccountEventDataRevocation | Unset): `linked_account.deleted` only: how revoking the grant at
            the provider (RFC 7009) went.
    """

    linked_account_id: UUID
    project_id: UUID
    app_name: str
    linked_account_owner_id: str
    status: LinkedAccountStatus
    sequence: int
    last_refreshed_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    reason: LinkedAccountEventDataReason | Unset = UNSET
    revocation: LinkedAccountEventDataRevocation | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        linked_account_id = str(self.linked_account_id)

        project_id = str(self.project_id)

        app_name = self.app_name

        linked_account_owner_id = self.linked_account_owner_id

        status = self.status.value

        sequence = self.sequence

        last_refreshed_at: None | str
        if isinstance(self.last_refreshed_at, datetime.datetime):
            last_refreshed_at = self.last_refreshed_at.isoformat()
        else:
            last_refreshed_at = self.last_refreshed_at

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        reason: str | Unset = UNSET
        if not isinstance(self.reason, Unset):
            reason = self.reason.value

        revocation: str | Unset = UNSET
        if not isinstance(self.revocation, Unset):
            revocation = self.revocation.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "linked_account_id": linked_account_id,
                "project_id": project_id,
                "app_name": app_name,
                "linked_account_owner_id": linked_account_owner_id,
                "status": status,
                "sequence": sequence,
                "last_refreshed_at": last_refreshed_at,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if revocation is not UNSET:
            field_dict["revocation"] = revocation

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        linked_account_id = UUID(d.pop("linked_account_id"))

        project_id = UUID(d.pop("project_id"))

        app_name = d.pop("app_name")

        linked_account_owner_id = d.pop("linked_account_owner_id")

        status = LinkedAccountStatus(d.pop("status"))

        sequence = d.pop("sequence")

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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        _reason = d.pop("reason", UNSET)
        reason: LinkedAccountEventDataReason | Unset
        if isinstance(_reason, Unset):
            reason = UNSET
        else:
            reason = LinkedAccountEventDataReason(_reason)

        _revocation = d.pop("revocation", UNSET)
        revocation: LinkedAccountEventDataRevocation | Unset
        if isinstance(_revocation, Unset):
            revocation = UNSET
        else:
            revocation = LinkedAccountEventDataRevocation(_revocation)

        linked_account_event_data = cls(
            linked_account_id=linked_account_id,
            project_id=project_id,
            app_name=app_name,
            linked_account_owner_id=linked_account_owner_id,
            status=status,
            sequence=sequence,
            last_refreshed_at=last_refreshed_at,
            created_at=created_at,
            updated_at=updated_at,
            reason=reason,
            revocation=revocation,
        )

        linked_account_event_data.additional_properties = d
        return linked_account_event_data

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
