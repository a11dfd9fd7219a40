"""Which URLs linkvault will talk to or send a user to.

Provider endpoints and redirect URIs must be https, except on loopback (RFC 8252 §7.3, RFC 9700 §2.6).
A post-link redirect is sent only to an allow-listed origin and path (RFC 9700 §4.11: no open redirector).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

from linkvault.engine.text import is_valid_text
from linkvault.errors import InvalidInput

__all__ = ["MAX_URL_LENGTH", "check_after_link_redirect", "check_endpoint_url", "is_loopback_host"]

MAX_URL_LENGTH = 2048

# Whitespace, control characters and backslashes are read differently by browsers and parsers.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse(url: str, *, what: str, location: tuple[str, ...]) -> SplitResult:
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput(f"{what} is longer than {MAX_URL_LENGTH} characters", location=location)
    if _UNSAFE.search(url) or not is_valid_text(url):
        raise InvalidInput(
            f"{what} contains whitespace, control characters or backslashes", location=location
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"{what} is not a valid URL", location=location) from exc
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host or not url.startswith(f"{parts.scheme}://"):
        raise InvalidInput(f"{what} must be an absolute https URL", location=location)
    if "@" in parts.netloc:
        raise InvalidInput(f"{what} must not contain user information", location=location)
    if parts.scheme == "http" and not is_loopback_host(host):
        raise InvalidInput(f"{what} must use https (plain http only on loopback)", location=location)
    if port == 0:
        raise InvalidInput(f"{what} has an invalid port", location=location)
    return parts


def check_endpoint_url(url: str, *, what: str, location: tuple[str, ...] = ("body",)) -> str:
    """An absolute https (or loopback http) URL without credentials or fragment."""
    parts = _parse(url, what=what, location=location)
    if parts.fragment or url.endswith("#"):
        raise InvalidInput(f"{what} must not have a fragment", location=location)
    return url


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    default_port = 443 if parts.scheme == "https" else 80
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default_port


def _path_is_under(path: str, allowed: str) -> bool:
    allowed = allowed.rstrip("/")
    return path == allowed or path.startswith(allowed + "/") or allowed == ""


def check_after_link_redirect(url: str, *, allowed: list[str], location: tuple[str, ...]) -> str:
    """The URL, when it has the scheme, host and port of an allow-listed URL and a path under its path."""
    parts = _parse(url, what="after_oauth2_link_redirect_url", location=location)
    segments = parts.path.split("/")
    if ".." in segments or "." in segments or "%2e" in parts.path.lower() or "%2f" in parts.path.lower():
        raise InvalidInput(
            "after_oauth2_link_redirect_url has dot segments or encoded slashes", location=location
        )
    for entry in allowed:
        allowed_parts = urlsplit(entry)
        if _origin(parts) == _origin(allowed_parts) and _path_is_under(parts.path or "/", allowed_parts.path):
            return url
    raise InvalidInput(
        "after_oauth2_link_redirect_url is not in the app configuration's allowed_redirect_urls",
        location=location,
    )
