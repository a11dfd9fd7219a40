from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.link_failed_event_data import LinkFailedEventData
    from ..models.linked_account_event_data import LinkedAccountEventData
    from ..models.ping_event_data import PingEventData


T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """The Standard Webhooks envelope (`type`, `timestamp`, `data`) and the event's `id`: the body of every delivery and an
    item of `GET /v1/events`. Never a token, code, state or secret.

        Attributes:
            id (UUID): The event's id, also the `webhook-id` header of each of its deliveries.
            type_ (str): An `EventType`, or `ping` (sent by `POST /v1/webhook-endpoints/{id}/test` only).
            timestamp (datetime.datetime): When the change happened.
            data (LinkedAccountEventData | LinkFailedEventData | PingEventData):
    """

    id: UUID
    type_: str
    timestamp: datetime.datetime
    data: LinkedAccountEventData | LinkFailedEventData | PingEventData
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.link_failed_event_data import LinkFailedEventData  # noqa: PLC0415
        from ..models.linked_account_event_data import LinkedAccountEventData  # noqa: PLC0415

        id = str(self.id)

        type_ = self.type_

        timestamp = self.timestamp.isoformat()

        data: dict[str, Any]
        if isinstance(self.data, LinkedAccountEventData):
            data = self.data.to_dict()
        elif isinstance(self.data, LinkFailedEventData):
            data = self.data.to_dict()
        else:
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "timestamp": timestamp,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.link_failed_event_data import LinkFailedEventData  # noqa: PLC0415
        from ..models.linked_account_event_data import LinkedAccountEventData  # noqa: PLC0415
        from ..models.ping_event_data import PingEventData  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        type_ = d.pop("type")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        def _parse_data(data: object) -> LinkedAccountEventData | LinkFailedEventData | PingEventData:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = LinkedAccountEventData.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_1 = LinkFailedEventData.from_dict(data)

                return data_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            data_type_2 = PingEventData.from_dict(data)

            return data_type_2

        data = _parse_data(d.pop("data"))

        event = cls(
            id=id,
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        event.additional_properties = d
        return event

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
