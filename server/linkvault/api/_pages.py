"""The browser callback's page for a person: what happened to the link, in plain words.

ACI.dev's GET callback answers JSON to API clients; a browser that prefers ``text/html`` (and came
without a post-link redirect) gets this small page instead. It is rendered by Jinja2 with autoescaping
from fixed texts only (no provider text, no code, state or token), and sent with a Content-Security-
Policy that allows nothing but its own inline style (by hash), ``Referrer-Policy: no-referrer`` and
``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from typing import Final

import jinja2
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from linkvault.engine.outcomes import LinkOutcome

__all__ = ["PAGE_HEADERS", "page_for", "prefers_html"]

_LOADER = jinja2.PackageLoader("linkvault.api", "templates")
_ENVIRONMENT = jinja2.Environment(
    loader=_LOADER,
    autoescape=True,  # every value is escaped, whatever the template's name
    undefined=jinja2.StrictUndefined,
)
_TEMPLATE = _ENVIRONMENT.get_template("link_result.html")

# The template's one inline style is allowed by its hash (CSP Level 3), taken from the template itself
# so that an edit of the style cannot leave a stale hash behind.
_SOURCE = _LOADER.get_source(_ENVIRONMENT, "link_result.html")[0]
_STYLE = re.search(r"<style>(.*?)</style>", _SOURCE, re.S)
assert _STYLE is not None, "link_result.html has no <style> element"
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.group(1).encode()).digest()).decode()

# Nothing may load, run, frame or submit but the page's own style (CSP Level 3 hash source).
PAGE_HEADERS: Final[Mapping[str, str]] = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

_CLOSE = "You can close this tab."
_AGAIN = "Go back to the application and start again."
# outcome -> (title, message, next step); fixed words, the only text the page ever shows.
_TEXTS: Final[Mapping[LinkOutcome, tuple[str, str, str]]] = {
    "linked": ("Account linked", "Your account is linked.", _CLOSE),
    "denied": (
        "Account not linked",
        "The account was not linked because access was declined at the provider.",
        _AGAIN,
    ),
    "expired": (
        "Link expired",
        "The account was not linked because this link expired before it was finished.",
        _AGAIN,
    ),
    "used": (
        "Link already used",
        "This link was already used. Each link works once; nothing was changed this time.",
        "If your account is not linked yet, go back to the application and start again.",
    ),
    "invalid": (
        "Link not valid",
        "This link is not valid, so no account was linked.",
        _AGAIN,
    ),
    "unavailable": (
        "Account not linked",
        "The account could not be linked because a service did not answer in time.",
        "Go back to the application and try again in a few minutes.",
    ),
    "failed": ("Account not linked", "The account could not be linked.", _AGAIN),
}


def prefers_html(accept: str | None) -> bool:
    """Whether an ``Accept`` header (RFC 9110 §12.5.1) ranks ``text/html`` above ``application/json``.

    A tie, no header, or ``*/*`` alone keeps the seed's JSON: only a browser (or a client that says
    so) gets the page."""
    if not accept:
        return False
    offers = parse_accept_header(accept, MIMEAccept)
    return offers.best_match(["application/json", "text/html"]) == "text/html"


def page_for(outcome: LinkOutcome) -> str:
    """The page's HTML for ``outcome``."""
    title, message, next_step = _TEXTS[outcome]
    return _TEMPLATE.render(outcome=outcome, title=title, message=message, next_step=next_step)
