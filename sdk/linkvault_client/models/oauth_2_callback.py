from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Oauth2Callback")


@_attrs_define
class Oauth2Callback:
    """
    Attributes:
        query_parameters (str | Unset): Query parameters received from the Oauth2 redirection. Pass all query parameters
            as a single string.

             Example: "https://yourdomain.com/oauth2/mycallback?code=1234&state=xyz&param1=value1&param2=value2"

             "queryParameters": "code=1234&state=xyz&param1=value1&param2=value2"
    """

    query_parameters: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        query_parameters = self.query_parameters

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if query_parameters is not UNSET:
            field_dict["queryParameters"] = query_parameters

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        query_parameters = d.pop("queryParameters", UNSET)

        oauth_2_callback = cls(
            query_parameters=query_parameters,
        )

        oauth_2_callback.additional_properties = d
        return oauth_2_callback

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
