"""Malformed requests get a clear 4xx in the documented shape, never a 5xx.

Most of these run in-process (``create_app`` through ``httpx.ASGITransport``), in milliseconds: the
error rendering, the 405 handling and the body limit are the application's, not uvicorn's. Only what
needs a real server (a chunked body on the wire, the server's log) goes over HTTP.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from linkvault.settings import Settings
from support.faces import reason_of
from support.inprocess import InProcess, in_process
from support.projects import Project

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "openapi.yaml"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
TITLES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
          409: "Conflict", 413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
          431: "Request Header Fields Too Large", 502: "Bad Gateway"}  # fmt: skip
ENDPOINTS = {"authorize_url": "https://p.example/a", "token_url": "https://p.example/t"}
# One operation of each JSON-body face ({project} is the caller's project id).
JSON_BODY_OPERATIONS = [
    ("POST", "/v1/app-configurations"),
    ("PATCH", "/v1/app-configurations/some-app"),
    ("PATCH", f"/v1/linked-accounts/{uuid.UUID(int=3)}"),
    ("POST", "/v2/auth/callback/some-app"),
    ("POST", "/connections/{project}/oauth2"),
]


@pytest.fixture(scope="module")
def linkvault(migrated: Settings) -> Iterator[InProcess]:
    with in_process(migrated) as app:
        yield app


@pytest.fixture
def api(linkvault: InProcess) -> httpx.Client:
    """This module's requests go to the in-process application; ``served_api`` is the real server."""
    return linkvault.http


@pytest.fixture
def served_api(linkvault_server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=linkvault_server.base_url, timeout=30) as client:
        yield client


def _post_app(
    client: httpx.Client, project: Project, content: Any, content_type: str = "application/json"
) -> httpx.Response:
    """A raw body posted to create an app configuration, as sent."""
    headers = {**project.headers, "Content-Type": content_type}
    return client.post("/v1/app-configurations", content=content, headers=headers)


def assert_problem(response: httpx.Response, status: int, code: str | None) -> dict:
    """An RFC 9457 problem of ``status``, with the domain error's ``code`` where the error has one."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "about:blank"
    assert (problem["status"], problem["title"]) == (status, TITLES[status])
    assert isinstance(problem["detail"], str) and problem["detail"]
    assert problem.get("code") == code, problem
    return problem


def test_a_body_that_is_not_utf8_is_a_client_error(api: httpx.Client, project: Project):
    response = _post_app(api, project, b'{"app_name": "\xff\xfe"}')

    assert_problem(response, 400, "invalid_request")


def test_invalid_json_is_a_client_error(api: httpx.Client, project: Project):
    response = _post_app(api, project, b"{not json")

    assert response.status_code == 400
    assert_problem(response, 400, "invalid_request")


@pytest.mark.parametrize("path", ["/v1/app-configurations", "/v2/auth/callback/any"])
def test_a_number_with_too_many_digits_is_a_client_error(api: httpx.Client, project: Project, path: str):
    """json.loads refuses an integer of more than 4300 digits with a ValueError of its own."""
    response = api.post(
        path,
        content=b'{"code": ' + b"1" * 4301 + b"}",
        headers={**project.headers, "Content-Type": "application/json"},
    )

    assert response.status_code in (400, 422), response.text
    assert "too many digits" in response.text


def test_a_body_over_the_limit_is_refused(api: httpx.Client, project: Project):
    response = _post_app(api, project, b'{"app_name": "' + b"a" * 2_000_000 + b'"}')

    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert_problem(response, 413, "body_too_large")


def test_a_chunked_body_is_refused_unread(served_api: httpx.Client, project: Project):
    """Bodies must come with a Content-Length, so their size is known before they are read."""

    def chunks():
        yield b'{"app_name": "'
        for _ in range(40):
            yield b"a" * 65_536
        yield b'"}'

    response = _post_app(served_api, project, chunks())

    assert response.status_code == 400
    assert response.json()["detail"] == "RequestBody is required"
    assert reason_of(response) == "invalid_request"


def test_a_body_of_another_media_type_is_refused(api: httpx.Client, project: Project):
    response = _post_app(api, project, b"app_name=x", content_type="text/plain")

    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert_problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(("method", "path"), JSON_BODY_OPERATIONS)
def test_a_json_body_without_a_content_type_is_refused(api: httpx.Client, project: Project, method, path):
    request = api.build_request(
        method, path.replace("{project}", project.id), content=b'{"enabled": false}', headers=project.headers
    )
    assert "content-type" not in request.headers

    response = api.send(request)

    assert_problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(("method", "path"), JSON_BODY_OPERATIONS)
def test_the_media_type_is_read_in_any_case(api: httpx.Client, project: Project, method, path):
    """RFC 9110 §8.3.1: ``Application/JSON`` is application/json, body validation included."""
    path = path.replace("{project}", project.id)
    invalid = b'{"enabled": "not a boolean", "code": 7, "state": 7}'

    def send(content_type: str) -> httpx.Response:
        return api.request(
            method, path, content=invalid, headers={**project.headers, "Content-Type": content_type}
        )

    expected = send("application/json; charset=utf-8")
    response = send("Application/JSON; charset=UTF-8")

    assert expected.status_code in (400, 422), expected.text
    assert (response.status_code, response.json()) == (expected.status_code, expected.json())


def test_a_body_sent_as_mixed_case_json_is_accepted(api: httpx.Client, project: Project):
    body = json.dumps({"app_name": "mixed-case", "client_id": "cid", **ENDPOINTS})

    response = _post_app(api, project, body, content_type="APPLICATION/Json")

    assert response.status_code == 201, response.text
    assert response.json()["app_name"] == "mixed-case"


@pytest.mark.parametrize(
    "content_type", ["application/json ; charset=utf-8", "application/json \t", " application/json"]
)
def test_whitespace_around_the_media_type_is_allowed(api: httpx.Client, project: Project, content_type: str):
    """RFC 9110 §5.5 and §5.6.6: a field value's outer whitespace is no part of it, and optional
    whitespace may stand around the ``;`` (uvicorn's parser keeps trailing whitespace)."""
    body = json.dumps({"app_name": f"ows-{len(content_type)}", "client_id": "cid", **ENDPOINTS})

    response = _post_app(api, project, body, content_type=content_type)

    assert response.status_code == 201, response.text


def test_two_content_types_are_refused(api: httpx.Client, project: Project):
    body = json.dumps({"app_name": "two-types", "client_id": "cid", **ENDPOINTS})
    headers = [*project.headers.items(), ("Content-Type", "application/json"), ("Content-Type", "text/plain")]

    response = api.post("/v1/app-configurations", content=body, headers=headers)

    problem = assert_problem(response, 400, "invalid_request")
    assert problem["detail"] == "the request carries more than one Content-Type"
    assert api.get("/v1/app-configurations/two-types", headers=project.headers).status_code == 404


def test_a_key_with_whitespace_around_it_is_the_key(api: httpx.Client, project: Project):
    for headers in ({"X-API-KEY": f"{project.api_key}  "}, {"Authorization": f"Bearer {project.api_key}\t"}):
        assert api.get("/v1/app-configurations", headers=headers).status_code == 200, headers


def test_a_query_name_the_operation_does_not_declare_is_ignored_quietly(
    api: httpx.Client, project: Project, caplog: pytest.LogCaptureFixture
):
    """A name the spec declares elsewhere (here the path's ``app_name``) changes nothing and, since any
    client can send one, logs nothing at ERROR level."""
    with caplog.at_level(logging.WARNING):
        response = api.get("/v1/app-configurations/absent-app?app_name=other", headers=project.headers)

    assert_problem(response, 404, "not_found")
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_an_unknown_path_is_a_problem(api: httpx.Client):
    response = api.get("/v1/nothing-here")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert_problem(response, 404, "not_found")


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-API-KEY": "lvk_wrong"}, {"Authorization": "Bearer lvk_wrong"}, {"Authorization": "Basic dTpw"}],
)
def test_authentication_failures_look_the_same(api: httpx.Client, headers: dict[str, str]):
    response = api.get("/v1/app-configurations", headers=headers)

    assert response.status_code == 401
    assert response.json()["detail"] == "a valid API key is required"
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


def test_the_key_is_accepted_as_either_header_in_any_case(api: httpx.Client, project: Project):
    assert api.get("/v1/app-configurations", headers={"x-api-key": project.api_key}).status_code == 200
    assert api.get("/v1/app-configurations", headers={"X-Api-Key": project.api_key}).status_code == 200
    assert (
        api.get("/v1/app-configurations", headers={"Authorization": f"Bearer {project.api_key}"}).status_code
        == 200
    )


def test_deeply_nested_json_is_a_client_error(api: httpx.Client, project: Project):
    deep = b"[" * 200_000 + b"]" * 200_000

    response = _post_app(api, project, deep)

    assert response.status_code == 400
    assert response.json()["detail"] == "the request body nests arrays and objects more than 32 deep"
    assert_problem(response, 400, "nested_too_deeply")


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


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/webhook-endpoints/00000000-0000-0000-0000-000000000000%2Fdeliveries"),
        ("GET", "/v1/webhook-endpoints/x%2ftest"),
        ("DELETE", "/v1/app-configurations/%2F"),
        ("GET", "/v1/linked-accounts/a%2Fb/credentials"),
        ("POST", "/v2/auth/callback/..%2F..%2Fetc"),
        ("GET", "/v2/auth/wait/..%2F..%2Fetc"),
        ("GET", "/ui%2F"),
        ("GET", "/openapi.json%2F"),
    ],
)
def test_an_encoded_slash_in_a_path_parameter_is_404(
    api: httpx.Client, project: Project, method: str, path: str
) -> None:
    """Routing sees the decoded path: it reached another operation (200, 405) or a trailing slash that
    Starlette redirected (307). No path parameter can hold a slash: 404, as the spec says."""
    response = api.request(method, path, headers=project.headers, json={} if method == "POST" else None)

    assert_problem(response, 404, "not_found")


def test_an_encoded_slash_in_the_query_is_only_data(api: httpx.Client, project: Project) -> None:
    response = api.get(
        "/v1/linked-accounts", params={"linked_account_owner_id": "a/b"}, headers=project.headers
    )

    assert response.status_code == 200, response.text


def test_a_nul_in_a_secret_is_named_for_what_it_is(api: httpx.Client, project: Project):
    """A NUL is valid Unicode: the detail says what cannot be stored, not that the text is invalid."""
    response = api.post(
        "/v1/app-configurations",
        json={
            "app_name": "nul-secret",
            "client_id": "c",
            "client_secret": "a\x00b",
            "authorize_url": "https://p.example/a",
            "token_url": "https://p.example/t",
        },
        headers=project.headers,
    )

    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith(
        "client_secret holds a NUL character or an unpaired surrogate, which cannot be stored as text"
    )


def test_a_refused_long_value_is_not_repeated_back(
    served_api: httpx.Client, project: Project, linkvault_server
):
    secret = "s3cr3t-" + "x" * 5000

    response = served_api.post(
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
    assert response.json()["code"] == "invalid_request"
    assert "s3cr3t" not in response.text
    assert response.json()["detail"] == "client_secret must have at most 4096 characters"
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


@pytest.mark.parametrize(
    "target",
    [
        "/v1/linked-accounts?linked_account_owner_id=%ff",
        "/v1/linked-accounts?linked_account_owner_id=caf%c3",
        "/v1/app-configurations/app%fe",
    ],
)
def test_a_target_that_is_not_utf8_once_decoded_is_a_client_error(
    api: httpx.Client, project: Project, target: str
):
    """``%ff`` would otherwise arrive as U+FFFD, and ``%fe`` too: two owners would be one."""
    response = api.get(target, headers=project.headers)

    body = assert_problem(response, 400, "invalid_request")
    assert "UTF-8" in body["detail"]


def test_percent_encoded_utf8_in_the_target_is_accepted(api: httpx.Client, project: Project):
    listed = api.get("/v1/linked-accounts?linked_account_owner_id=caf%C3%A9", headers=project.headers)

    assert listed.status_code == 200, listed.text


def test_domain_errors_are_problems_with_their_code(api: httpx.Client, project: Project):
    created = api.post(
        "/v1/app-configurations",
        json={"app_name": "dup", "client_id": "c", **ENDPOINTS},
        headers=project.headers,
    )
    assert created.status_code == 201, created.text

    assert_problem(api.get("/v1/app-configurations/nope", headers=project.headers), 404, "not_found")
    assert_problem(api.get(f"/v1/linked-accounts/{uuid.uuid4()}", headers=project.headers), 404, "not_found")
    assert_problem(
        api.post(
            "/v1/app-configurations",
            json={"app_name": "dup", "client_id": "c", **ENDPOINTS},
            headers=project.headers,
        ),
        409,
        "conflict",
    )
    assert_problem(
        api.post("/v1/app-configurations", json={"app_name": "x", "client_id": "c"}, headers=project.headers),
        400,
        "invalid_input",
    )
    assert_problem(
        api.post(
            "/v1/app-configurations",
            json={"app_name": "x", "client_id": "c", "issuer": "http://127.0.0.1:9"},
            headers=project.headers,
        ),
        502,
        "provider_error",
    )
    assert_problem(
        api.get("/v1/linked-accounts", params={"limit": 0}, headers=project.headers), 400, "invalid_request"
    )
    assert_problem(
        api.get("/v1/linked-accounts/oauth2/callback", params={"state": "s", "code": "c"}),
        400,
        "invalid_state",
    )


def test_validation_errors_of_the_aci_start_and_langsmith_are_http_validation_errors(
    api: httpx.Client, project: Project
):
    app = {
        "app_name": "shapes",
        "client_id": "c",
        "allowed_redirect_urls": ["https://app.example/linked"],
        **ENDPOINTS,
    }
    assert api.post("/v1/app-configurations", json=app, headers=project.headers).status_code == 201
    start = "/v1/linked-accounts/oauth2"
    answers = {
        ("query", "app_name"): api.get(
            start, params={"linked_account_owner_id": "u"}, headers=project.headers
        ),
        ("query", "linked_account_owner_id"): api.get(
            start, params={"app_name": "shapes", "linked_account_owner_id": ""}, headers=project.headers
        ),
        ("query", "after_oauth2_link_redirect_url"): api.get(
            start,
            params={
                "app_name": "shapes",
                "linked_account_owner_id": "u",
                "after_oauth2_link_redirect_url": "https://evil.example",
            },
            headers=project.headers,
        ),
        ("body", "state"): api.post("/v2/auth/callback/shapes", json={"code": "x"}, headers=project.headers),
        ("body",): api.post(
            "/v2/auth/callback/shapes",
            content=b"{not json",
            headers={**project.headers, "Content-Type": "application/json"},
        ),
    }

    for location, response in answers.items():
        assert response.status_code == 422, (location, response.text)
        assert response.headers["content-type"] == "application/json"
        [detail] = response.json()["detail"]
        assert set(detail) == {"loc", "msg", "type"}
        assert tuple(detail["loc"]) == location, detail
        assert reason_of(response) == "validation_error"


def test_quiva_errors_are_error_objects(api: httpx.Client, project: Project):
    callback = "/hub/integrations/oauth-callback"
    a_state = "A" * 43

    answers = {
        "unauthorized": api.get(callback, params={"code": "c", "state": a_state}),
        "invalid_state": api.get(callback, params={"code": "c", "state": a_state}, headers=project.headers),
        "a repeated parameter": api.get(f"{callback}?code=a&code=b&state={a_state}", headers=project.headers),
        "a missing code": api.get(callback, params={"state": a_state}, headers=project.headers),
    }

    codes = {reason: response.json()["error"] for reason, response in answers.items()}
    for reason, response in answers.items():
        assert response.headers["content-type"] == "application/json"
        assert list(response.json()) == ["error", "error_description"], (reason, response.text)
        assert re.fullmatch("[a-z_]+", response.json()["error"]), (reason, response.text)
        assert response.json()["error_description"], (reason, response.text)
    assert answers["unauthorized"].status_code == 401
    assert codes["unauthorized"] == "unauthorized"
    assert (answers["invalid_state"].status_code, codes["invalid_state"]) == (400, "invalid_state")
    assert (answers["a repeated parameter"].status_code, codes["a repeated parameter"]) == (
        400,
        "invalid_input",
    )
    assert "repeats the code parameter" in answers["a repeated parameter"].json()["error_description"]
    assert (answers["a missing code"].status_code, codes["a missing code"]) == (400, "invalid_state")


def _spec_paths() -> dict[str, set[str]]:
    """Each path of the spec with a concrete value for its parameters, and the methods it allows."""
    spec = yaml.safe_load(SPEC_PATH.read_text())
    paths = {}
    for template, item in spec["paths"].items():
        methods = {method.upper() for method in item if method in HTTP_METHODS}
        if "GET" in methods and not item["get"].get("x-linkvault-callback"):
            methods.add("HEAD")
        # Fixed ids, so that every pytest-xdist worker collects the same tests.
        path = template.replace("{projectId}", str(uuid.UUID(int=1))).replace(
            "{linked_account_id}", str(uuid.UUID(int=2))
        )
        paths[path.replace("{app_name}", "some-app").replace("{provider_id}", "some-app")] = methods
    return paths


@pytest.mark.parametrize(("path", "methods"), _spec_paths().items(), ids=_spec_paths().keys())
def test_a_method_the_path_lacks_is_405_with_every_method_of_the_path(
    api: httpx.Client, project: Project, path: str, methods: set[str]
):
    refused = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"} - methods
    assert refused

    for method in sorted(refused):
        response = api.request(method, path, headers=project.headers, json={})

        problem = assert_problem(response, 405, "method_not_allowed")
        assert response.headers["allow"] == ", ".join(sorted(methods)), method
        assert problem["status"] == 405


@pytest.fixture(scope="module")
def small_limit(migrated: Settings) -> Iterator[InProcess]:
    with in_process(migrated.model_copy(update={"max_body_bytes": 1_000})) as app:
        yield app


@pytest.mark.parametrize("path", ["/v1/app-configurations", "/v2/auth/callback/any"])
def test_the_body_limit_counts_every_byte(small_limit: InProcess, project: Project, path: str):
    headers = {**project.headers, "Content-Type": "application/json"}

    def body(size: int) -> bytes:
        document = b'{"app_name": "x", "code": "'
        return document + b"a" * (size - len(document) - 2) + b'"}'

    at_the_limit = small_limit.http.post(path, content=body(1_000), headers=headers)
    over_it = small_limit.http.post(path, content=body(1_001), headers=headers)

    assert at_the_limit.status_code not in (413, 500), at_the_limit.text
    assert_problem(over_it, 413, "body_too_large")


# Each validator kind of the spec's request schemas, answered in words: the field and the rule it
# broke, never the refused value or the JSON Schema.
_WORDED = {
    "minimum": ("GET", "/v1/linked-accounts?limit=0", None, "limit must be at least 1"),
    "maximum": (
        "GET", "/v1/linked-accounts?limit=101", None, "limit must be at most 100"
    ),
    "type (query)": (
        "GET", "/v1/linked-accounts?limit=many", None, "limit must be an integer"
    ),
    "required": ("POST", "/v1/app-configurations", {"client_id": "c"}, "app_name is required"),
    "additionalProperties": (
        "POST", "/v1/app-configurations", {"app_name": "a", "client_id": "c", "colour": "red"}, "colour is not a known member",
    ),
    "type (body)": (
        "POST", "/v1/app-configurations", {"app_name": 7, "client_id": "c"},
        "app_name must be a string",
    ),
    "minLength": (
        "POST", "/v1/app-configurations", {"app_name": "", "client_id": "c"},
        "app_name must have at least 1 character",
    ),
    "maxLength": (
        "POST", "/v1/app-configurations", {"app_name": "a" * 101, "client_id": "c"},
        "app_name must have at most 100 characters",
    ),
    "pattern": (
        "POST", "/v1/app-configurations", {"app_name": "-a", "client_id": "c"},
        "app_name must match the pattern ^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    ),
    "maxItems": (
        "POST", "/v1/app-configurations", {"app_name": "a", "client_id": "c", "scopes": ["s"] * 101}, "scopes must have at most 100 items",
    ),
    "items": (
        "POST", "/v1/app-configurations", {"app_name": "a", "client_id": "c", "scopes": ["s", 5]}, "scopes[1] must be a string",
    ),
    "additionalProperties schema": (
        "POST", "/v1/app-configurations",
        {"app_name": "a", "client_id": "c", "authorize_params": {"prompt": 1}}, "authorize_params.prompt must be a string",
    ),
    "maxProperties": (
        "POST", "/v1/app-configurations",
        {"app_name": "a", "client_id": "c", "authorize_params": {f"p{i}": "v" for i in range(51)}}, "authorize_params must have at most 50 members",
    ),
    "type (root)": ("POST", "/v1/app-configurations", ["a"], "the request body must be an object"),
    "enum": (
        "GET", "/v1/linked-accounts?status=gone", None,
        "status must be one of active, needs_reauth, disabled",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "message"), _WORDED.values(), ids=_WORDED.keys())
def test_validation_errors_say_in_words_what_was_wrong(
    api: httpx.Client, project: Project, method: str, path: str, body: Any, message: str
):
    response = api.request(method, path, json=body, headers=project.headers)

    problem = assert_problem(response, 400, "invalid_request")
    assert problem["detail"] == message


def test_validation_errors_in_fastapis_shape_say_in_words_what_was_wrong(api: httpx.Client, project: Project):
    start = api.get(
        "/v1/linked-accounts/oauth2", params={"linked_account_owner_id": "u"}, headers=project.headers
    )
    langsmith = api.post("/v2/auth/callback/any", json={"code": "c", "state": 5}, headers=project.headers)

    assert start.json() == {
        "detail": [{"loc": ["query", "app_name"], "msg": "app_name is required", "type": "value_error"}]
    }
    assert langsmith.json() == {
        "detail": [{"loc": ["body", "state"], "msg": "state must be a string", "type": "value_error"}]
    }


def test_the_request_bounds_answer_in_each_operations_error_shape(api: httpx.Client, project: Project):
    """RFC 9457 problems on most operations, quiva.ai's ``{"error"}`` on its own (the default limits)."""
    long_query = "?padding=" + "a" * 8_192
    many = "?" + "&".join(f"p{index}=v" for index in range(101))
    headers = {**project.headers, **{f"x-h{index}": "v" for index in range(100)}}
    http = api

    assert_problem(http.get("/v1/linked-accounts/oauth2/callback" + long_query), 414, "uri_too_long")
    assert_problem(
        http.get("/v1/linked-accounts" + many, headers=project.headers), 400, "too_many_query_parameters"
    )
    assert_problem(http.get("/healthz", headers=headers), 431, "header_fields_too_large")
    langsmith = http.post(
        "/v2/auth/callback/any",
        content=b"[" * 33 + b"]" * 33,
        headers={**project.headers, "Content-Type": "application/json"},
    )
    assert_problem(langsmith, 400, "nested_too_deeply")
    for query, status, code in ((long_query, 414, "uri_too_long"), (many, 400, "too_many_query_parameters")):
        quiva = http.get("/hub/integrations/oauth-callback" + query, headers=project.headers)
        assert (quiva.status_code, quiva.json()["error"]) == (status, code)
        assert quiva.headers["cache-control"] == "no-store"
    quiva = http.get("/hub/integrations/oauth-callback", headers=headers)
    assert (quiva.status_code, quiva.json()["error"]) == (431, "header_fields_too_large")


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("GET", "/v1/linked-accounts/not-a-uuid/credentials", "linked_account_id"),
        ("GET", "/v1/linked-accounts/12345", "linked_account_id"),
        ("DELETE", "/v1/webhook-endpoints/zz", "webhook_endpoint_id"),
        # What int(text, 16) would read inside uuid.UUID: fullwidth and Arabic-Indic digits, an
        # underscore, a sign, a 0x.
        ("GET", "/v1/linked-accounts/" + "\uff10" + "0" * 31, "linked_account_id"),
        ("GET", "/v1/linked-accounts/" + "\u0661" * 32, "linked_account_id"),
        ("GET", "/v1/linked-accounts/0_" + "0" * 30, "linked_account_id"),
        ("GET", "/v1/linked-accounts/+" + "0" * 31, "linked_account_id"),
        ("GET", "/v1/linked-accounts/0x" + "0" * 30, "linked_account_id"),
    ],
)
def test_an_id_that_is_not_a_uuid_is_a_client_error(
    api: httpx.Client, project: Project, method: str, path: str, name: str
):
    """The spec's ids are UUIDs (``format: uuid``): an id no resource can have is refused as the spec
    says (400), naming the parameter, not looked up and answered 404."""
    response = api.request(method, path, headers=project.headers)

    problem = assert_problem(response, 400, "invalid_request")
    assert name in problem["detail"] and "UUID" in problem["detail"], problem


@pytest.mark.parametrize("spelling", [str, lambda value: value.hex, lambda value: "{" + str(value) + "}"])
def test_an_unknown_id_in_any_uuid_spelling_is_not_found(api: httpx.Client, project: Project, spelling: Any):
    """What Python's ``uuid.UUID`` reads (without hyphens, in braces) is an id, looked up as before."""
    response = api.get(f"/v1/linked-accounts/{spelling(uuid.uuid4())}", headers=project.headers)

    assert_problem(response, 404, "not_found")
