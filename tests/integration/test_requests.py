"""Malformed requests get a clear 4xx in the documented shape, never a 5xx."""

from __future__ import annotations

import httpx
import pytest

from support.projects import Project


def test_a_body_that_is_not_utf8_is_a_client_error(api: httpx.Client, project: Project):
    response = api.post(
        "/v1/app-configurations",
        content=b'{"app_name": "\xff\xfe"}',
        headers={**project.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_invalid_json_is_a_client_error(api: httpx.Client, project: Project):
    response = api.post(
        "/v1/app-configurations",
        content=b"{not json",
        headers={**project.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 400


def test_a_body_over_the_limit_is_refused(api: httpx.Client, project: Project):
    response = api.post(
        "/v1/app-configurations",
        content=b'{"app_name": "' + b"a" * 2_000_000 + b'"}',
        headers={**project.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_a_chunked_body_is_refused_unread(api: httpx.Client, project: Project):
    """Bodies must come with a Content-Length, so their size is known before they are read."""

    def chunks():
        yield b'{"app_name": "'
        for _ in range(40):
            yield b"a" * 65_536
        yield b'"}'

    response = api.post(
        "/v1/app-configurations",
        content=chunks(),
        headers={**project.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "RequestBody is required"


def test_a_body_of_another_media_type_is_refused(api: httpx.Client, project: Project):
    response = api.post(
        "/v1/app-configurations",
        content=b"app_name=x",
        headers={**project.headers, "Content-Type": "text/plain"},
    )

    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


def test_an_unknown_path_is_a_problem(api: httpx.Client):
    response = api.get("/v1/nothing-here")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-API-KEY": "lvk_wrong"}, {"Authorization": "Bearer lvk_wrong"}, {"Authorization": "Basic dTpw"}],
)
def test_authentication_failures_look_the_same(api: httpx.Client, headers: dict[str, str]):
    response = api.get("/v1/app-configurations", headers=headers)

    assert response.status_code == 401
    assert response.json()["detail"] == "a valid API key is required"


def test_the_key_is_accepted_as_either_header_in_any_case(api: httpx.Client, project: Project):
    assert api.get("/v1/app-configurations", headers={"x-api-key": project.api_key}).status_code == 200
    assert api.get("/v1/app-configurations", headers={"X-Api-Key": project.api_key}).status_code == 200
    assert (
        api.get("/v1/app-configurations", headers={"Authorization": f"Bearer {project.api_key}"}).status_code
        == 200
    )


def test_deeply_nested_json_is_a_client_error(api: httpx.Client, project: Project):
    deep = b"[" * 200_000 + b"]" * 200_000

    response = api.post(
        "/v1/app-configurations",
        content=deep,
        headers={**project.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "the request body is nested too deeply"


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        (
            "POST",
            "/v1/app-configurations",
            {
                "json": {
                    "app_name": "nul",
                    "client_id": "a\x00b",
                    "authorize_url": "https://p.example/a",
                    "token_url": "https://p.example/t",
                }
            },
        ),
        ("GET", "/v1/app-configurations/a%00b", {}),
        ("GET", "/v1/linked-accounts", {"params": {"app_name": "a\x00b"}}),
        (
            "GET",
            "/v1/linked-accounts/oauth2",
            {"params": {"app_name": "a\x00b", "linked_account_owner_id": "u"}},
        ),
    ],
)
def test_nul_characters_are_a_client_error_on_every_database(
    api: httpx.Client, project: Project, method: str, path: str, kwargs: dict
):
    response = api.request(method, path, headers=project.headers, **kwargs)

    assert 400 <= response.status_code < 500, response.text
    assert api.get("/v1/app-configurations", headers=project.headers).json() == []


def test_a_refused_long_value_is_not_repeated_back(api: httpx.Client, project: Project, linkvault_server):
    secret = "s3cr3t-" + "x" * 5000

    response = api.post(
        "/v1/app-configurations",
        json={
            "app_name": "long",
            "client_id": "c",
            "client_secret": secret,
            "authorize_url": "https://p.example/a",
            "token_url": "https://p.example/t",
        },
        headers=project.headers,
    )

    assert response.status_code == 400
    assert "s3cr3t" not in response.text
    assert "a value of 5007 characters" in response.json()["detail"]
    assert "s3cr3t" not in linkvault_server.log_text()


def test_a_nul_in_a_query_parameter_is_reported_at_that_parameter(api: httpx.Client, project: Project):
    start = api.get(
        "/v1/linked-accounts/oauth2",
        params={"app_name": "a\x00b", "linked_account_owner_id": "o"},
        headers=project.headers,
    )
    listed = api.get(
        "/v1/linked-accounts", params={"linked_account_owner_id": "\x00"}, headers=project.headers
    )

    assert start.status_code == 422
    assert start.json()["detail"][0]["loc"] == ["query", "app_name"]
    assert listed.status_code == 400
    assert listed.json()["code"] == "invalid_request"
    assert "linked_account_owner_id" in listed.json()["detail"]
