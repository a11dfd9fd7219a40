"""Where a user may be sent after linking (RFC 9700 §4.11): one allow-list and one list of the URLs
it must refuse, for the engine's unit tests and the HTTP tests alike."""

from __future__ import annotations

__all__ = ["ALLOWED_REDIRECT", "ALLOWED_REDIRECTS", "CASE_VARIANTS", "LOOPBACK_REDIRECT", "REFUSED_REDIRECTS"]

ALLOWED_REDIRECT = "https://allowed.example/app"
LOOPBACK_REDIRECT = "http://127.0.0.1:3000/cb"
# An app's allowed_redirect_urls; every URL below is refused under it.
ALLOWED_REDIRECTS = [ALLOWED_REDIRECT, LOOPBACK_REDIRECT]

REFUSED_REDIRECTS = {
    "javascript": "javascript:alert(1)",
    "javascript with slashes": "javascript://allowed.example/app%0aalert(1)",
    "data": "data:text/html,x",
    "protocol-relative": "//evil.example",
    "relative path": "/app/done",
    "suffix host": "https://allowed.example.evil.com",
    "suffix host with path": "https://allowed.example.evil.com/app",
    "userinfo": "https://allowed.example@evil.com",
    "userinfo with path": "https://allowed.example@evil.com/app",
    "userinfo after the path": "https://allowed.example/app@evil.com",
    "backslash": "https:/\\evil.com",
    "backslash authority": "https://allowed.example\\@evil.com/app",
    "plain http": "http://allowed.example/app",
    "other port": "https://allowed.example:8443/app",
    "other host": "https://evil.example/app",
    "trailing dot host": "https://allowed.example./app",
    "lookalike host": "https://allowed.examp\u217ce/app",
    "sibling path": "https://allowed.example/apple",
    "above the path": "https://allowed.example/",
    "path escape": "https://allowed.example/app/../evil",
    "encoded path escape": "https://allowed.example/app/%2e%2e/evil",
    "encoded slash": "https://allowed.example/app%2F..%2Fevil",
    "lower-case encoded slash": "https://allowed.example/app%2f..%2fadmin",
    "header injection": "https://allowed.example/app\r\nSet-Cookie: session=evil",
    "newline": "https://allowed.example/app\n.evil.com",
    "tab": "https://allowed.example/app\t",
    "fragment host": "https://evil.example#https://allowed.example/app",
    "loopback other port": "http://127.0.0.1:3001/cb",
    "loopback other name": "http://localhost:3000/cb",
    "3000 characters": "https://allowed.example/app/" + "a" * 3000,
    "very long": "https://allowed.example/app/" + "a" * 10_000,
    # RFC 3986 §6.2.2.1: only the scheme and the host are case-insensitive.
    "path in another case": "https://allowed.example/App",
}
# The allow-list's URLs as RFC 3986 §6.2.2.1 lets a client spell them too: accepted.
CASE_VARIANTS = {
    "upper-case scheme": "HTTPS://allowed.example/app",
    "upper-case host": "https://ALLOWED.Example/app/done",
    "upper-case loopback scheme": "HTTP://127.0.0.1:3000/cb",
}
