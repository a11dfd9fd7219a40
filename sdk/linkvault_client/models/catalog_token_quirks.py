from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.catalog_token_quirks_error_codes import CatalogTokenQuirksErrorCodes


T = TypeVar("T", bound="CatalogTokenQuirks")


@_attrs_define
class CatalogTokenQuirks:
    """How the provider's token response departs from RFC 6749 §5.1 and §5.2.

    Attributes:
        form_encoded (bool): The answer may be form-encoded instead of JSON.
        token_paths (list[str]): Where the token set sits, tried in order (`""` is the top level).
        bearer_token_types (list[str]): `token_type` values, besides `Bearer`, of tokens used as Bearer tokens.
        token_type_optional (bool): An answer without `token_type` carries a Bearer token.
        scope_separator (str): How the answered `scope` separates its values.
        error_codes (CatalogTokenQuirksErrorCodes): The provider's own error codes mapped onto RFC 6749 §5.2 codes.
        access_token_lifetime_seconds (int | None): The lifetime of a token answered without `expires_in` (null — it
            does not expire).
        zero_expires_in_means_no_expiry (bool):
        json_request (bool): The provider documents its token requests as a JSON object instead of RFC 6749 §4.1.3's
            form (Zendesk, Atlassian); linkvault sends the same members as JSON.
    """

    form_encoded: bool
    token_paths: list[str]
    bearer_token_types: list[str]
    token_type_optional: bool
    scope_separator: str
    error_codes: CatalogTokenQuirksErrorCodes
    access_token_lifetime_seconds: int | None
    zero_expires_in_means_no_expiry: bool
    json_request: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        form_encoded = self.form_encoded

        token_paths = self.token_paths

        bearer_token_types = self.bearer_token_types

        token_type_optional = self.token_type_optional

        scope_separator = self.scope_separator

        error_codes = self.error_codes.to_dict()

        access_token_lifetime_seconds: int | None
        access_token_lifetime_seconds = self.access_token_lifetime_seconds

        zero_expires_in_means_no_expiry = self.zero_expires_in_means_no_expiry

        json_request = self.json_request

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "form_encoded": form_encoded,
                "token_paths": token_paths,
                "bearer_token_types": bearer_token_types,
                "token_type_optional": token_type_optional,
                "scope_separator": scope_separator,
                "error_codes": error_codes,
                "access_token_lifetime_seconds": access_token_lifetime_seconds,
                "zero_expires_in_means_no_expiry": zero_expires_in_means_no_expiry,
                "json_request": json_request,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.catalog_token_quirks_error_codes import CatalogTokenQuirksErrorCodes  # noqa: PLC0415

        d = dict(src_dict)
        form_encoded = d.pop("form_encoded")

        token_paths = cast(list[str], d.pop("token_paths"))

        bearer_token_types = cast(list[str], d.pop("bearer_token_types"))

        token_type_optional = d.pop("token_type_optional")

        scope_separator = d.pop("scope_separator")

        error_codes = CatalogTokenQuirksErrorCodes.from_dict(d.pop("error_codes"))

        def _parse_access_token_lifetime_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        access_token_lifetime_seconds = _parse_access_token_lifetime_seconds(d.pop("access_token_lifetime_seconds"))

        zero_expires_in_means_no_expiry = d.pop("zero_expires_in_means_no_expiry")

        json_request = d.pop("json_request")

        catalog_token_quirks = cls(
            form_encoded=form_encoded,
            token_paths=token_paths,
            bearer_token_types=bearer_token_types,
            token_type_optional=token_type_optional,
            scope_separator=scope_separator,
            error_codes=error_codes,
            access_token_lifetime_seconds=access_token_lifetime_seconds,
            zero_expires_in_means_no_expiry=zero_expires_in_means_no_expiry,
            json_request=json_request,
        )

        catalog_token_quirks.additional_properties = d
        return catalog_token_quirks

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
