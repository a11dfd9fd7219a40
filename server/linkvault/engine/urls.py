"""Which URLs linkvault will talk to or send a user to.

Provider endpoints and redirect URIs must be https, except on loopback (RFC 8252 §7.3, RFC 9700 §2.6).
A post-link redirect is sent only to an allow-listed origin and path (RFC 9700 §4.11: no open redirector).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

from linkvault.errors import InvalidInput
from linkvault.limits import MAX_URL_LENGTH
from linkvault.text import is_valid_text

__all__ = ["MAX_URL_LENGTH", "check_after_link_redirect", "check_endpoint_url", "is_loopback_host"]

# Whitespace, control characters and backslashes are read differently by browsers and parsers.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse(url: str, *, what: str, field: tuple[str, ...]) -> SplitResult:
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput(f"{what} is longer than {MAX_URL_LENGTH} characters", field=field)
    if _UNSAFE.search(url) or not is_valid_text(url):
        raise InvalidInput(f"{what} contains whitespace, control characters or backslashes", field=field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"{what} is not a valid URL", field=field) from exc
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host or not url.startswith(f"{parts.scheme}://"):
        raise InvalidInput(f"{what} must be an absolute https URL", field=field)
    if "@" in parts.netloc:
        raise InvalidInput(f"{what} must not contain user information", field=field)
    if parts.scheme == "http" and not is_loopback_host(host):
        raise InvalidInput(f"{what} must use https (plain http only on loopback)", field=field)
    if port == 0:
        raise InvalidInput(f"{what} has an invalid port", field=field)
    return parts


def check_endpoint_url(url: str, *, what: str, field: tuple[str, ...] = ()) -> str:
    """An absolute https (or loopback http) URL without credentials or fragment."""
    parts = _parse(url, what=what, field=field)
    if parts.fragment or url.endswith("#"):
        raise InvalidInput(f"{what} must not have a fragment", field=field)
    return url


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    default_port = 443 if parts.scheme == "https" else 80
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default_port


def _path_is_under(path: str, allowed: str) -> bool:
    allowed = allowed.rstrip("/")
    return path == allowed or path.startswith(allowed + "/") or allowed == ""


def check_after_link_redirect(url: str, *, allowed: list[str], field: tuple[str, ...]) -> str:
    """The URL, when it has the scheme, host and port of an allow-listed URL and a path under its path."""
    parts = _parse(url, what="after_oauth2_link_redirect_url", field=field)
    segments = parts.path.split("/")
    if ".." in segments or "." in segments or "%2e" in parts.path.lower() or "%2f" in parts.path.lower():
        raise InvalidInput("after_oauth2_link_redirect_url has dot segments or encoded slashes", field=field)
    for entry in allowed:
        allowed_parts = urlsplit(entry)
        if _origin(parts) == _origin(allowed_parts) and _path_is_under(parts.path or "/", allowed_parts.path):
            return url
    raise InvalidInput(
        "after_oauth2_link_redirect_url is not in the app configuration's allowed_redirect_urls",
        field=field,
    )
