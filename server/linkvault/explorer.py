"""The API explorer at ``/ui``: Connexion's own Swagger UI (the ``swagger-ui`` extra), and its
Content-Security-Policy.

The page and its assets come from the ``swagger_ui_bundle`` package and are served by linkvault itself:
nothing is loaded from another origin. Connexion's page starts Swagger UI with one inline script and
styles itself with one inline ``<style>``; rather than allow ``'unsafe-inline'``, the policy allows
exactly those two by their SHA-256 hashes (CSP Level 3 §8.4), computed once, at start, by rendering
the same template Connexion renders. Any other inline script, injected or not, is refused.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re

from starlette.templating import Jinja2Templates
from swagger_ui_bundle import swagger_ui_path

__all__ = ["SPEC_URL", "UI_PATH", "content_security_policy", "is_explorer_path"]

UI_PATH = "/ui"
# Where Connexion serves the spec the page loads (the API's base path is the root).
SPEC_URL = "/openapi.json"

_INLINE = {
    "script": re.compile(r"<script>(.*?)</script>", re.DOTALL),
    "style": re.compile(r"<style>(.*?)</style>", re.DOTALL),
}


def _hashes(page: str, element: str) -> str:
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _INLINE[element].findall(page)
    )


@functools.cache
def content_security_policy() -> str:
    """The policy of every ``/ui`` answer: own-origin assets only, the page's inline script and style
    allowed by hash, images also as ``data:`` URIs (Swagger UI's icons), requests ("Try it out") to
    linkvault itself, no framing, no plugins."""
    # The page as Connexion renders it (connexion.middleware.swagger_ui._get_swagger_ui_home).
    page = (
        Jinja2Templates(directory=str(swagger_ui_path))
        .get_template("index.j2")
        .render(openapi_spec_url=SPEC_URL)
    )
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {_hashes(page, 'script')}",
            f"style-src 'self' {_hashes(page, 'style')}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def is_explorer_path(path: str) -> bool:
    return path == UI_PATH or path.startswith(UI_PATH + "/")
