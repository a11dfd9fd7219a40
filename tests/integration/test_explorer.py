"""The API explorer at /ui: Connexion's Swagger UI, its assets served by linkvault itself under a strict
Content-Security-Policy, and the spec it renders."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from support.inprocess import InProcess


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (directive.split() for directive in policy.split(";") if directive.strip())
    }


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def page(linkvault: InProcess):
    response = linkvault.http.get("/ui/")
    assert response.status_code == 200, response.text
    return response


def test_ui_redirects_to_the_page(linkvault: InProcess):
    response = linkvault.http.get("/ui")

    assert response.status_code == 307
    assert response.headers["location"] == "/ui/"


def test_the_page_is_html_under_a_strict_policy(page):
    policy = _directives(page.headers["content-security-policy"])

    assert page.headers["content-type"].startswith("text/html")
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    # Nothing from another origin, and no inline code allowed wholesale.
    for values in policy.values():
        assert all(value.startswith("'") or value == "data:" for value in values), policy
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
    assert page.headers["x-content-type-options"] == "nosniff"


def test_the_inline_script_and_style_are_allowed_by_their_hashes_only(page):
    policy = _directives(page.headers["content-security-policy"])
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    styles = re.findall(r"<style>(.*?)</style>", page.text, re.DOTALL)

    assert len(scripts) == 1 and "SwaggerUIBundle" in scripts[0]
    assert policy["script-src"] == ["'self'", _sha256(scripts[0])]
    assert policy["style-src"] == ["'self'", *map(_sha256, styles)]


def test_every_asset_the_page_loads_is_served_from_ui_with_the_policy(linkvault: InProcess, page):
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)

    assert {"./swagger-ui-bundle.js", "./swagger-ui-standalone-preset.js", "./swagger-ui.css"} <= set(assets)
    for asset in assets:
        assert asset.startswith("./"), asset  # no other origin
        response = linkvault.http.get("/ui/" + asset.removeprefix("./"))
        assert response.status_code == 200, asset
        assert response.headers["content-security-policy"] == page.headers["content-security-policy"]


def test_the_spec_the_page_renders_is_served_as_json_and_yaml(linkvault: InProcess, page):
    (spec_url,) = re.findall(r'url: "([^"]+)"', page.text)

    spec = linkvault.http.get(spec_url)
    assert spec.status_code == 200
    assert spec.json()["openapi"] == "3.0.3"
    assert "/v1/linked-accounts/oauth2" in spec.json()["paths"]
    yaml = linkvault.http.get(spec_url.removesuffix(".json") + ".yaml")
    assert yaml.status_code == 200
    assert "openapi: 3.0.3" in yaml.text


def test_api_answers_carry_no_explorer_policy(linkvault: InProcess):
    assert "content-security-policy" not in linkvault.http.get("/healthz").headers
