from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LinkFailedEventData")


@_attrs_define
class LinkFailedEventData:
    """The `data` of `link.failed`.

    Attributes:
        project_id (UUID):
        app_name (str):
        linked_account_owner_id (str):
        reason (str): linkvault's code for the failure: a provider error code (`access_denied`...), `issuer_mismatch`,
            `missing_code`, `invalid_grant`, `invalid_id_token`, `account_mismatch`, `provider_error`, `provider_timeout`...
            Never the provider's text.
    """

    project_id: UUID
    app_name: str
    linked_account_owner_id: str
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        project_id = str(self.project_id)

        app_name = self.app_name

        linked_account_owner_id = self.linked_account_owner_id

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "project_id": project_id,
                "app_name": app_name,
                "linked_account_owner_id": linked_account_owner_id,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        project_id = UUID(d.pop("project_id"))

        app_name = d.pop("app_name")

        linked_account_owner_id = d.pop("linked_account_owner_id")

        reason = d.pop("reason")

        link_failed_event_data = cls(
            project_id=project_id,
            app_name=app_name,
            linked_account_owner_id=linked_account_owner_id,
            reason=reason,
        )

        link_failed_event_data.additional_properties = d
        return link_failed_event_data

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
