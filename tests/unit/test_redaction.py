"""What the logs never show: callback secrets in query strings, and linkvault API keys anywhere."""

from __future__ import annotations

import pytest

from linkvault.redaction import redact_query

KEY = "lvk_Q2hhbmdlIG1lIGFuZCBydW4gdGhlIHRlc3RzIGFnYWluIQ"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("GET /cb?code=abc&state=def&iss=https://i HTTP/1.1",
         "GET /cb?code=[redacted]&state=[redacted]&iss=https://i HTTP/1.1"),
        (f"GET /v1/linked-accounts?api_key={KEY}&limit=5 HTTP/1.1",
         "GET /v1/linked-accounts?api_key=[redacted]&limit=5 HTTP/1.1"),
        (f"GET /v1/apps?X-API-KEY={KEY} HTTP/1.1", "GET /v1/apps?X-API-KEY=lvk_[redacted] HTTP/1.1"),
        (f"GET /v1/apps/{KEY} HTTP/1.1", "GET /v1/apps/lvk_[redacted] HTTP/1.1"),
        ("GET /v1/apps?name=slack&limit=2 HTTP/1.1", "GET /v1/apps?name=slack&limit=2 HTTP/1.1"),
    ],
)  # fmt: skip
def test_secrets_in_a_logged_request_line_are_redacted(line: str, shown: str) -> None:
    assert redact_query(line) == shown
