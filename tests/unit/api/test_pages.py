"""The browser callback's page: who gets it (Accept negotiation), what it says, and what it allows."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import get_args

import pytest

from linkvault.api._pages import PAGE_HEADERS, page_for, prefers_html
from linkvault.engine.outcomes import LinkOutcome

CHROMIUM = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (CHROMIUM, True),
        (FIREFOX, True),
        ("text/html", True),
        ("text/*", True),
        ("application/json;q=0.5, text/html", True),
        (None, False),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/json, text/html", False),
        ("text/html;q=0.5, application/json", False),
        ("application/problem+json", False),
        ("text/html;q=0", False),
        ("nonsense;;;,,", False),
    ],
)
def test_only_a_request_that_prefers_html_gets_the_page(accept: str | None, html: bool):
    assert prefers_html(accept) is html


@pytest.mark.parametrize("outcome", get_args(LinkOutcome))
def test_every_outcome_has_a_page_that_needs_nothing_but_its_own_style(outcome: LinkOutcome):
    page = page_for(outcome)

    assert f'<main data-outcome="{outcome}">' in page
    assert "<script" not in page and "src=" not in page and "href=" not in page and "<form" not in page
    [style] = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert PAGE_HEADERS["Content-Security-Policy"] == (
        f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )


def test_each_outcome_is_explained_in_its_own_words():
    outcomes = get_args(LinkOutcome)
    messages = {re.findall(r"<p>(.*?)</p>", page_for(outcome))[0] for outcome in outcomes}

    assert len(messages) == len(outcomes)
    assert "You can close this tab." in page_for("linked")
    assert "You can close this tab." not in page_for("failed")
