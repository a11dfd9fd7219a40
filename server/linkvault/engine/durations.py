"""Durations as people write them in configuration: ISO 8601 (``P180D``, ``PT12H``) or seconds."""

from __future__ import annotations

import re

from linkvault.errors import InvalidInput

__all__ = ["format_duration", "parse_duration"]

# ISO 8601 durations in days, hours, minutes and seconds (years and months have no fixed length).
_ISO = re.compile(r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?")


def parse_duration(value: str, *, field: tuple[str, ...]) -> int:
    """Seconds of ``P<d>DT<h>H<m>M<s>S`` (any part may be left out) or of a decimal number of seconds.
    Raises InvalidInput naming ``field``."""
    text = value.strip().upper()
    if text.isdigit():
        return int(text)
    match = _ISO.fullmatch(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        raise InvalidInput(
            f"{field[0]} must be an ISO 8601 duration (P180D, PT12H) or a number of seconds", field=field
        )
    parts = {name: int(number) for name, number in match.groupdict().items() if number is not None}
    return parts.get("d", 0) * 86_400 + parts.get("h", 0) * 3_600 + parts.get("m", 0) * 60 + parts.get("s", 0)


def format_duration(seconds: int) -> str:
    """``seconds`` as ISO 8601: whole days as ``P<n>D``, else ``PT<n>S``."""
    if seconds % 86_400 == 0:
        return f"P{seconds // 86_400}D"
    return f"PT{seconds}S"
