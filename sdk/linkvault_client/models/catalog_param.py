from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CatalogParam")


@_attrs_define
class CatalogParam:
    """A templated URL part; a value must match `pattern` whole.

    Attributes:
        kind (str): `label` (one DNS label, no dot), `hostname` or `path_segment`.
        pattern (str): A regular expression the whole value must match.
        description (str):
        example (str):
    """

    kind: str
    pattern: str
    description: str
    example: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        pattern = self.pattern

        description = self.description

        example = self.example

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "pattern": pattern,
                "description": description,
                "example": example,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = d.pop("kind")

        pattern = d.pop("pattern")

        description = d.pop("description")

        example = d.pop("example")

        catalog_param = cls(
            kind=kind,
            pattern=pattern,
            description=description,
            example=example,
        )

        catalog_param.additional_properties = d
        return catalog_param

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
