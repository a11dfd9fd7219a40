"""The provider catalog file: the whole of it loads and validates, each entry's params refuse what could
bend a URL, and an invalid entry is refused by the model (so it fails this suite, never a server)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from linkvault.engine.catalog import (
    CATALOG_PATH,
    Catalog,
    catalog,
    id_token_issuers_of,
    list_providers,
    load_catalog,
)
from linkvault.engine.urls import check_endpoint_url
from linkvault.errors import InvalidInput, NotFound

# Characters that would move a value out of its URL part: into the path, the userinfo, the query,
# the fragment or the port, or out of the URL syntax.
_INJECTIONS = ["/", "@", "?", "#", "\\", ":", "%", " ", "\n", "[", "&", "="]


def test_the_whole_catalog_file_loads_and_validates() -> None:
    loaded = load_catalog(CATALOG_PATH)

    assert len(loaded.providers) >= 40
    assert loaded == catalog()


def test_every_provider_names_its_documentation() -> None:
    for entry in catalog().providers:
        assert entry.docs, entry.name
        assert all(str(url).startswith("https://") for url in entry.docs), entry.name


@pytest.mark.parametrize("entry", catalog().providers, ids=lambda entry: entry.name)
def test_every_entrys_urls_are_valid_endpoints_with_its_example_params(entry: Any) -> None:
    values = entry.check_params({name: param.example for name, param in entry.params.items()})
    for template in (entry.authorize_url, entry.token_url, entry.revocation_url, entry.issuer):
        if template is not None:
            url = entry.fill(template, values)
            assert check_endpoint_url(url, what="url") == url
            assert url.startswith("https://")


_PARAMS = [(entry, name) for entry in catalog().providers for name in entry.params]


@pytest.mark.parametrize(("entry", "name"), _PARAMS, ids=[f"{e.name}.{n}" for e, n in _PARAMS])
def test_no_param_lets_a_value_leave_its_url_part(entry: Any, name: str) -> None:
    param = entry.params[name]
    others = {other: p.example for other, p in entry.params.items() if other != name}
    forbidden = [*_INJECTIONS, *(["."] if param.kind != "hostname" else [])]
    for character in forbidden:
        value = f"a{character}b"
        with pytest.raises(InvalidInput) as refused:
            entry.check_params({**others, name: value})
        assert refused.value.field == ("provider_params", name)
    for value in ["", "..", ".", "a." * 200 + "com"]:
        with pytest.raises(InvalidInput):
            entry.check_params({**others, name: value})


def test_the_host_of_a_filled_url_is_the_templates() -> None:
    shopify = catalog().by_name["shopify"]
    url = shopify.fill(shopify.authorize_url, shopify.check_params({"shop": "my-shop"}))
    assert url == "https://my-shop.myshopify.com/admin/oauth/authorize"


def _document_with(**changes: Any) -> dict[str, Any]:
    entry = {
        "name": "example",
        "display_name": "Example",
        "authorize_url": "https://example.com/authorize",
        "token_url": "https://example.com/token",
        "docs": ["https://example.com/docs"],
        **changes,
    }
    return {"providers": [entry]}


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"authorize_url": "https://{tenant}.example.com/authorize"}, id="undeclared-param"),
        pytest.param(
            {"params": {"tenant": {"kind": "label", "pattern": "[a-z]+", "description": "t", "example": "a"}}},
            id="unused-param",
        ),
        pytest.param(
            {"authorize_url": "https://{t}.example.com/a",
             "params": {"t": {"kind": "label", "pattern": "[a-z]+", "description": "t", "example": "A-1"}}},
            id="example-not-matching",
        ),
        pytest.param(
            {"authorize_url": "https://{t}.example.com/a",
             "params": {"t": {"kind": "label", "pattern": "[a-z", "description": "t", "example": "a"}}},
            id="pattern-not-a-regex",
        ),
        pytest.param({"token_url": "http://example.com/token"}, id="not-https"),
        pytest.param({"docs": []}, id="no-docs"),
        pytest.param({"docs": ["not a url"]}, id="docs-not-urls"),
        pytest.param({"pkce": "maybe"}, id="unknown-pkce"),
        pytest.param({"token_endpoint_auth_method": "private_key_jwt"}, id="unsupported-auth-method"),
        pytest.param({"token_response": {"error_codes": {"bad_code": "not_an_rfc_code"}}}, id="error-not-rfc"),
        pytest.param({"token_response": {"token_paths": ["a/b"]}}, id="token-path-not-a-member"),
        pytest.param({"scope_separator": ";"}, id="scope-separator"),
        pytest.param({"name": "Not A Name"}, id="bad-name"),
        pytest.param({"unknown_fact": True}, id="unknown-field"),
    ],
)  # fmt: skip
def test_an_invalid_entry_is_refused(tmp_path: Path, changes: dict[str, Any]) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(_document_with(**changes)))

    with pytest.raises(ValidationError):
        load_catalog(path)


def test_providers_must_be_sorted_and_unique() -> None:
    entry = _document_with()["providers"][0]
    with pytest.raises(ValidationError):
        Catalog.model_validate({"providers": [entry, entry]})
    with pytest.raises(ValidationError):
        Catalog.model_validate({"providers": [{**entry, "name": "zz"}, {**entry, "name": "aa"}]})


def test_the_list_pages_in_name_order_and_filters_by_name() -> None:
    pages, cursor = [], None
    while True:
        page = list_providers(name=None, limit=10, cursor=cursor)
        pages.extend(entry.name for entry in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert pages == [entry.name for entry in catalog().providers]
    assert [entry.name for entry in list_providers(name="HubS", limit=50, cursor=None).items] == ["hubspot"]
    assert list_providers(name="zzz", limit=50, cursor=None).items == []


@pytest.mark.parametrize("cursor", ["!!!", "Tm90IGEgbmFtZQ", "\x00"])
def test_a_cursor_not_given_out_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput):
        list_providers(name=None, limit=10, cursor=cursor)


def test_an_unknown_provider_is_not_found() -> None:
    from linkvault.engine.catalog import find_provider

    with pytest.raises(NotFound):
        find_provider("no-such-provider")
    assert find_provider("google").name == "google"


def test_the_yaml_anchors_of_the_patterns_are_whole_matches() -> None:
    """The shared patterns are used with re.fullmatch; a pattern anchored by hand would be redundant,
    one with an alternation at the top level would match more than meant."""
    document = yaml.safe_load(CATALOG_PATH.read_text())
    for pattern in document["x-patterns"].values():
        assert re.fullmatch(pattern, "a.b") or re.fullmatch(pattern, "ab")
        assert "|" not in pattern


def test_google_id_tokens_may_name_the_bare_host_as_issuer() -> None:
    assert id_token_issuers_of("google", {}, "https://accounts.google.com") == (
        "https://accounts.google.com",
        "accounts.google.com",
    )


@pytest.mark.parametrize(
    ("provider", "issuer"),
    [
        pytest.param("google", "https://idp.example", id="an-issuer-given-explicitly"),
        pytest.param(None, "https://accounts.google.com", id="no-catalog-entry"),
        pytest.param("okta", "https://acme.okta.com/oauth2/default", id="an-entry-without-aliases"),
    ],
)
def test_no_alias_is_accepted_beyond_the_entrys_own_issuer(provider: str | None, issuer: str) -> None:
    params = {"domain": "acme.okta.com"} if provider == "okta" else {}

    assert id_token_issuers_of(provider, params, issuer) == (issuer,)
