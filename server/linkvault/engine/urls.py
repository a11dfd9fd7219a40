"""Which URLs linkvault will talk to or send a user to.

Provider endpoints and redirect URIs must be https, except on loopback (RFC 8252 §7.3, RFC 9700 §2.6).
A post-link redirect is sent only to an allow-listed origin and path (RFC 9700 §4.11: no open redirector).
URLs are compared as RFC 3986 §6.2.2.1 says: the scheme and the host case-insensitively, the path, query
and everything else exactly (``HTTP://127.0.0.1/done`` is ``http://127.0.0.1/done``, ``/Done`` is not).
An ``iss`` is the exception: RFC 9207 §2.4 compares it as a simple string.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

from linkvault.errors import InvalidInput
from linkvault.limits import MAX_URL_LENGTH
from linkvault.text import is_valid_text

__all__ = [
    "MAX_URL_LENGTH",
    "check_after_link_redirect",
    "check_endpoint_url",
    "is_loopback_host",
    "same_url",
]

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
    # urlsplit lowers the scheme; the URL must spell it (in any case) followed by "://".
    if (
        parts.scheme not in ("https", "http")
        or not host
        or url[: len(parts.scheme) + 3].lower() != f"{parts.scheme}://"
    ):
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


def _case_normalized(url: str) -> str:
    """``url`` with its scheme and host in lower case (RFC 3986 §6.2.2.1); the rest as written."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    userinfo, at, _ = parts.netloc.rpartition("@")
    netloc = f"{userinfo}{at}{'[' + host + ']' if ':' in host else host}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return parts._replace(scheme=parts.scheme.lower(), netloc=netloc).geturl()


def same_url(first: str, second: str) -> bool:
    """Whether two URLs are the same under RFC 3986 §6.2.2.1: scheme and host case-insensitively,
    everything else exactly. Raises nothing: a URL that does not parse is compared as written."""
    try:
        return first == second or _case_normalized(first) == _case_normalized(second)
    except ValueError:
        return False


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
