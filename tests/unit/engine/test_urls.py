"""Which URLs linkvault talks to (provider endpoints) and sends users to (after-link redirects)."""

from __future__ import annotations

import pytest

from linkvault.engine.urls import MAX_URL_LENGTH, check_after_link_redirect, check_endpoint_url, same_url
from linkvault.errors import InvalidInput
from support.redirects import (
    ALLOWED_REDIRECT,
    ALLOWED_REDIRECTS,
    CASE_VARIANTS,
    LOOPBACK_REDIRECT,
    REFUSED_REDIRECTS,
)

_FIELD = ("after_oauth2_link_redirect_url",)


@pytest.mark.parametrize(
    "url",
    [
        "https://as.example/token",
        "https://as.example:8443/oauth/token?tenant=a",
        "http://127.0.0.1:9000/token",
        "http://127.5.6.7/token",
        "http://[::1]:8080/token",
        "http://localhost/token",
        "http://LOCALHOST:1/token",
    ],
)
def test_endpoint_url_accepted(url: str) -> None:
    assert check_endpoint_url(url, what="token_url") == url


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://as.example/token", id="http-not-loopback"),
        pytest.param("http://0.0.0.0/token", id="http-unspecified-address"),
        pytest.param("http://128.0.0.1/token", id="http-outside-127/8"),
        pytest.param("http://[::2]/token", id="http-ipv6-not-loopback"),
        pytest.param("http://localhost.evil.example/token", id="http-localhost-prefix"),
        pytest.param("https://user:pw@as.example/token", id="userinfo"),
        pytest.param("https://user@as.example/token", id="user"),
        pytest.param("https://@as.example/token", id="empty-userinfo"),
        pytest.param("https://as.example/token#frag", id="fragment"),
        pytest.param("https://as.example/token#", id="empty-fragment"),
        pytest.param("ftp://as.example/token", id="ftp"),
        pytest.param("javascript:alert(1)", id="javascript"),
        pytest.param("as.example/token", id="relative"),
        pytest.param("//as.example/token", id="scheme-relative"),
        pytest.param("https:///token", id="no-host"),
        pytest.param("https://as.example:0/token", id="port-0"),
        pytest.param("https://as.example:99999/token", id="port-out-of-range"),
        pytest.param("https://as.example/to ken", id="space"),
        pytest.param("https://as.example\\@evil.example/", id="backslash"),
        pytest.param("https://as.example/" + "a" * (MAX_URL_LENGTH), id="too-long"),
    ],
)
def test_endpoint_url_refused(url: str) -> None:
    with pytest.raises(InvalidInput):
        check_endpoint_url(url, what="token_url")


def test_refusal_names_the_field_and_location() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_endpoint_url("http://as.example/token", what="token_url", field=("token_url",))
    assert caught.value.field == ("token_url",)
    assert "token_url" in caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "https://allowed.example/app/done?x=1",
        ALLOWED_REDIRECT,
        "https://allowed.example/app/",
        "https://ALLOWED.example/app/done",
        "https://allowed.example:443/app/done",
        LOOPBACK_REDIRECT,
        "http://127.0.0.1:3000/cb/deeper?state=ui",
    ],
)
def test_after_link_redirect_accepted(url: str) -> None:
    assert check_after_link_redirect(url, allowed=ALLOWED_REDIRECTS, field=_FIELD) == url


@pytest.mark.parametrize("url", REFUSED_REDIRECTS.values(), ids=REFUSED_REDIRECTS.keys())
def test_after_link_redirect_refused(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_after_link_redirect(url, allowed=ALLOWED_REDIRECTS, field=_FIELD)
    assert caught.value.field == _FIELD


def test_after_link_redirect_refused_when_nothing_is_allowed() -> None:
    with pytest.raises(InvalidInput):
        check_after_link_redirect(ALLOWED_REDIRECT, allowed=[], field=_FIELD)


def test_loopback_redirect_refused_unless_listed() -> None:
    with pytest.raises(InvalidInput):
        check_after_link_redirect(LOOPBACK_REDIRECT, allowed=[ALLOWED_REDIRECT], field=_FIELD)


@pytest.mark.parametrize("url", CASE_VARIANTS.values(), ids=CASE_VARIANTS.keys())
def test_scheme_and_host_compare_case_insensitively(url: str) -> None:
    """RFC 3986 §6.2.2.1, both ways: a variant is accepted under the allow-list, and the allow-list
    written in upper case accepts the plain URL."""
    assert check_after_link_redirect(url, allowed=ALLOWED_REDIRECTS, field=_FIELD) == url
    shouted = [
        entry.replace("https://allowed", "HTTPS://ALLOWED").replace("http://", "HTTP://")
        for entry in ALLOWED_REDIRECTS
    ]
    assert check_after_link_redirect(ALLOWED_REDIRECT, allowed=shouted, field=_FIELD) == ALLOWED_REDIRECT


def test_same_url_ignores_case_in_scheme_and_host_only() -> None:
    assert same_url("HTTP://127.0.0.1/done", "http://127.0.0.1/done")
    assert same_url("https://App.Example:8443/cb?x=1", "https://app.example:8443/cb?x=1")
    assert not same_url("https://app.example/Done", "https://app.example/done")
    assert not same_url("https://app.example/cb?X=1", "https://app.example/cb?x=1")
    assert not same_url("https://app.example:8443/cb", "https://app.example/cb")
