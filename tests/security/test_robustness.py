"""Hand-written malformed requests get a clear 4xx, never a 5xx, and leave nothing half-written.

Every request goes to the shared server exactly as written here (``target`` is the raw request
target, so ``..`` and encoded slashes reach the server unnormalised), authenticated as a project that
holds one app configuration and one linked account. After each, the server must still answer, and
that project's app configurations, linked accounts, database rows and token requests must be what
they were.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

from linkvault.settings import Settings
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.oidc import OidcProvider
from support.projects import Project, create_project
from support.secrets_scan import DatabaseReader, project_rows
from support.server import RunningServer

APP = "robust"
QUIVA_CALLBACK = "/hub/integrations/oauth-callback"
ACI_CALLBACK = "/v1/linked-accounts/oauth2/callback"
MAX_BODY_BYTES = 1_048_576


@dataclass(frozen=True)
class Baseline:
    project: Project
    account_id: str
    client_id: str
    apps: list[dict[str, Any]]
    accounts: dict[str, Any]
    rows: dict[str, int]
    database: DatabaseReader
    http: httpx.Client  # one connection for the module: a client per test costs more than its test


@pytest.fixture(scope="module")
def baseline(
    migrated: Settings, linkvault_server: RunningServer, oidc_provider: OidcProvider
) -> Iterator[Baseline]:
    project = create_project(migrated, name="robustness")
    database = DatabaseReader(migrated)
    client = oidc_provider.register_client(redirect_uris=[FRONTEND_CALLBACK])
    with database, httpx.Client(base_url=linkvault_server.base_url, timeout=30) as http:
        created = http.post(
            "/v1/app-configurations",
            json={
                "app_name": APP,
                "issuer": oidc_provider.issuer,
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "scopes": ["openid", "offline_access"],
                "authorize_params": {"prompt": "consent"},
                "redirect_uri": FRONTEND_CALLBACK,
            },
            headers=project.headers,
        )
        assert created.status_code == 201, created.text
        started = http.get(
            "/v1/linked-accounts/oauth2",
            params={"app_name": APP, "linked_account_owner_id": "robust-owner"},
            headers=project.headers,
        )
        query = query_of(oidc_provider.authorize(started.json()["url"]))
        assert http.get(QUIVA_CALLBACK, params=query, headers=project.headers).status_code == 200
        accounts = http.get("/v1/linked-accounts", headers=project.headers).json()
        yield Baseline(
            project=project,
            account_id=accounts[0]["id"],
            client_id=client.client_id,
            apps=http.get("/v1/app-configurations", headers=project.headers).json(),
            accounts=accounts,
            rows=database.project_rows(project.id),
            database=database,
            http=http,
        )


def _assert_untouched(baseline: Baseline, server: RunningServer) -> None:
    """The server still answers, and the project's rows are what they were."""
    headers = baseline.project.headers
    assert server.process.poll() is None, "the server died"
    assert baseline.http.get("/v1/app-configurations", headers=headers).json() == baseline.apps
    assert baseline.http.get("/v1/linked-accounts", headers=headers).json() == baseline.accounts
    assert baseline.database.project_rows(baseline.project.id) == baseline.rows


@dataclass(frozen=True)
class Case:
    """A request as sent on the wire; ``{app}``, ``{project}`` and ``{account}`` are filled in."""

    id: str
    method: str
    target: str
    expect: frozenset[int]
    body: bytes | None = None
    content_type: str | None = "application/json"
    allow: str | None = None  # the Allow header a 405 must carry

    def param(self) -> Any:
        return pytest.param(self, id=self.id)


def _case(
    label: str, method: str, target: str, expect: int | set[int], body: bytes | dict | None = None, **kw: Any
) -> Case:
    """A case whose body is given as bytes, or as a dict sent as JSON."""
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    return Case(label, method, target, frozenset({expect} if isinstance(expect, int) else expect), body, **kw)


BODY_OPERATIONS = {
    "create": ("POST", "/v1/app-configurations", 400),
    "update": ("PATCH", f"/v1/app-configurations/{APP}", 400),
    "langsmith": ("POST", f"/v2/auth/callback/{APP}", 422),
    "peaka": ("POST", "/connections/{project}/oauth2", 400),
}
# Well-formed and never issued (issued states are 256 random bits); fixed, so that every pytest-xdist
# worker collects the same test ids.
A_STATE = "never-issued-state-" + "0" * 24
NEW_APP = {
    "app_name": "robust-new",
    "client_id": "c",
    "authorize_url": "https://p.example/a",
    "token_url": "https://p.example/t",
}
WRONG_TYPES: dict[str, list[tuple[str, Any]]] = {
    "create": [
        ("app_name", 1), ("app_name", None), ("app_name", ["a"]), ("client_id", None), ("client_id", 5),
        ("client_secret", []), ("scopes", "openid"), ("scopes", [1]), ("scopes", [None]),
        ("authorize_params", []), ("authorize_params", {"a": 1}), ("authorize_params", {"a": None}),
        ("allowed_redirect_urls", "https://a.example/"), ("allowed_redirect_urls", [None]),
        ("token_endpoint_auth_method", 5), ("issuer", 5), ("redirect_uri", {}), ("unknown", "x"),
    ],
    "update": [
        ("app_name", "renamed"), ("client_id", None), ("scopes", None), ("scopes", "openid"),
        ("authorize_params", None), ("authorize_params", {"a": ["b"]}), ("issuer", 5),
        ("client_secret", 5), ("token_endpoint_auth_method", None), ("allowed_redirect_urls", None),
        ("redirect_uri", 1),
    ],
    "langsmith": [
        ("code", 1), ("code", None), ("code", ["c"]), ("state", []), ("state", {"a": 1}), ("state", None),
        ("iss", 5),
    ],
    "peaka": [("queryParameters", 1), ("queryParameters", None), ("queryParameters", ["code=c"]),
              ("queryParameters", {"code": "c"}), ("queryParameters", True)],
}  # fmt: skip
BASE_BODIES: dict[str, dict[str, Any]] = {
    "create": NEW_APP,
    "update": {"scopes": ["openid"]},
    "langsmith": {"code": "c", "state": A_STATE},
    "peaka": {"queryParameters": f"code=c&state={A_STATE}"},
}


def _body_cases() -> list[Case]:
    cases = []
    for name, (method, path, validation) in BODY_OPERATIONS.items():
        raw = {
            "invalid utf-8": b'{"app_name": "\xff\xfe", "code": "\xff", "queryParameters": "\xff"}',
            "overlong utf-8": b'{"client_id": "\xc0\x80", "code": "\xc0\xaf"}',
            "truncated utf-8": b'{"client_id": "\xe2\x82", "code": "\xe2\x82"}',
            "utf-16": json.dumps(BASE_BODIES[name]).encode("utf-16"),
            "not json": b"{not json",
            "empty": b"",
        }
        for label, body in raw.items():
            status = {400, validation} if label in ("not json", "empty") else 400
            cases.append(_case(f"{name}: {label}", method, path, status, body))
        too_large = b'{"code": "' + b"a" * MAX_BODY_BYTES + b'"}'
        cases.append(_case(f"{name}: body over 1 MiB", method, path, 413, too_large))
        cases.append(
            _case(f"{name}: deep objects", method, path, 400, b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
        )
        cases.append(_case(f"{name}: deep arrays", method, path, 400, b"[" * 200_000 + b"]" * 200_000))
        for content_type in [
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/xml", "application/vnd.api+json",
        ]:  # fmt: skip
            cases.append(
                _case(
                    f"{name}: {content_type}", method, path, 415, BASE_BODIES[name], content_type=content_type
                )
            )
        cases.append(_case(f"{name}: json in latin-1", method, path, 400, b'{"client_id": "\xe9", "code": "\xe9"}',
                           content_type="application/json; charset=latin-1"))  # fmt: skip
        for value in ([], None, 1, "s", True, [BASE_BODIES[name]]):
            cases.append(
                _case(
                    f"{name}: body {json.dumps(value)}", method, path, validation, json.dumps(value).encode()
                )
            )
        for field, value in WRONG_TYPES[name]:
            body = {**BASE_BODIES[name], field: value}
            cases.append(_case(f"{name}: {field}={json.dumps(value)}", method, path, validation, body))
    return cases


def _lone(surrogate: str, json_text: str) -> bytes:
    """A JSON body with a lone surrogate escape, which is valid JSON but not valid Unicode text."""
    return json_text.replace("SURROGATE", surrogate).encode()


NUL_AND_UNICODE = [
    _case("create: NUL in client_id", "POST", "/v1/app-configurations", 400, {**NEW_APP, "client_id": "a\x00b"}),
    _case("create: NUL in app_name", "POST", "/v1/app-configurations", 400, {**NEW_APP, "app_name": "a\x00b"}),
    _case("update: NUL in client_id", "PATCH", f"/v1/app-configurations/{APP}", 400, {"client_id": "a\x00b"}),
    _case("update: NUL in a scope", "PATCH", f"/v1/app-configurations/{APP}", 400, {"scopes": ["a\x00"]}),
    _case("update: NUL in redirect_uri", "PATCH", f"/v1/app-configurations/{APP}", 400,
          {"redirect_uri": "http://127.0.0.1:9/a\x00b"}),
    # LangSmith's face answers a refused field in its own shape (422 HTTPValidationError).
    _case("langsmith: NUL in code", "POST", f"/v2/auth/callback/{APP}", 422, {"code": "a\x00b", "state": A_STATE}),
    _case("langsmith: NUL in state", "POST", f"/v2/auth/callback/{APP}", 422, {"code": "c", "state": "\x00" * 43}),
    _case("peaka: NUL in code", "POST", "/connections/{project}/oauth2", 400,
          {"queryParameters": f"code=a%00b&state={A_STATE}"}),
    _case("peaka: raw NUL", "POST", "/connections/{project}/oauth2", 400,
          {"queryParameters": f"code=a\x00b&state={A_STATE}\x00"}),
    _case("start: NUL in owner", "GET", f"/v1/linked-accounts/oauth2?app_name={APP}&linked_account_owner_id=a%00b",
          422),
    _case("start: NUL in app_name", "GET", "/v1/linked-accounts/oauth2?app_name=a%00b&linked_account_owner_id=o",
          {404, 422}),
    _case("list: NUL in owner", "GET", "/v1/linked-accounts?linked_account_owner_id=a%00", 400),
    _case("aci: NUL in state", "GET", f"{ACI_CALLBACK}?code=c&state=%00{A_STATE[1:]}", 400),
    _case("quiva: NUL in code", "GET", f"{QUIVA_CALLBACK}?code=a%00&state={A_STATE}", 400),
    _case("get app: NUL in path", "GET", "/v1/app-configurations/a%00b", {400, 404}),
    _case("delete app: NUL in path", "DELETE", f"/v1/app-configurations/{APP}%00", {400, 404}),
    _case("get account: NUL in path", "GET", "/v1/linked-accounts/%00", 400),  # not a UUID
    _case("peaka: NUL in project id", "POST", "/connections/%00/oauth2", 404, {"queryParameters": "code=c"}),
    _case("langsmith: NUL in app name", "POST", "/v2/auth/callback/a%00b", {400, 422},
          {"code": "c", "state": A_STATE}),
    # Lone surrogates: JSON can spell them, UTF-8 cannot encode them.
    _case("create: lone surrogate in client_id", "POST", "/v1/app-configurations", 400,
          _lone("\\ud800", json.dumps({**NEW_APP, "client_id": "SURROGATE"}))),
    _case("create: lone surrogate in client_secret", "POST", "/v1/app-configurations", 400,
          _lone("\\udfff", json.dumps({**NEW_APP, "client_secret": "xSURROGATE"}))),
    _case("create: lone surrogate in redirect_uri", "POST", "/v1/app-configurations", 400,
          _lone("\\ud800", json.dumps({**NEW_APP, "redirect_uri": "http://127.0.0.1:9/SURROGATE"}))),
    _case("update: lone surrogate in client_id", "PATCH", f"/v1/app-configurations/{APP}", 400,
          _lone("\\ud800", '{"client_id": "SURROGATE"}')),
    _case("update: lone surrogate in a parameter name", "PATCH", f"/v1/app-configurations/{APP}", 400,
          _lone("\\udc00", '{"authorize_params": {"SURROGATE": "x"}}')),
    _case("update: lone surrogate in a parameter value", "PATCH", f"/v1/app-configurations/{APP}", 400,
          _lone("\\ud800", '{"authorize_params": {"x": "SURROGATE"}}')),
    _case("update: lone surrogate in an allowed redirect", "PATCH", f"/v1/app-configurations/{APP}", 400,
          _lone("\\ud800", '{"allowed_redirect_urls": ["https://app.example/SURROGATE"]}')),
    _case("update: lone surrogate in client_secret", "PATCH", f"/v1/app-configurations/{APP}", 400,
          _lone("\\ud800", '{"client_secret": "SURROGATE"}')),
    _case("langsmith: lone surrogate in code", "POST", f"/v2/auth/callback/{APP}", 422,
          _lone("\\ud800", json.dumps({"code": "SURROGATE", "state": A_STATE}))),
    _case("peaka: lone surrogate", "POST", "/connections/{project}/oauth2", 400,
          _lone("\\ud800", json.dumps({"queryParameters": f"code=SURROGATE&state={A_STATE}"}))),
    _case("create: emoji app_name", "POST", "/v1/app-configurations", 400, {**NEW_APP, "app_name": "app😀"}),
    _case("create: right-to-left app_name", "POST", "/v1/app-configurations", 400,
          {**NEW_APP, "app_name": "\u202eppa"}),
    _case("get app: right-to-left name", "GET", "/v1/app-configurations/%E2%80%AE" + APP[::-1], 404),
    _case("get app: invalid utf-8 name", "GET", "/v1/app-configurations/%FF%FE", 400),
    _case("start: owner of 256 emoji", "GET",
          f"/v1/linked-accounts/oauth2?app_name={APP}&linked_account_owner_id={quote('😀' * 256)}", 422),
    _case("start: empty owner", "GET", f"/v1/linked-accounts/oauth2?app_name={APP}&linked_account_owner_id=", 422),
    _case("start: invalid utf-8 app name", "GET", "/v1/linked-accounts/oauth2?app_name=%FF&linked_account_owner_id=o",
          400),
    _case("list: invalid utf-8 filter", "GET", "/v1/linked-accounts?app_name=%FF%FE", 400),
    _case("list: malformed percent-encoding", "GET", "/v1/linked-accounts?linked_account_owner_id=%zz%", 200),
    _case("list: emoji cursor", "GET", "/v1/linked-accounts?cursor=%F0%9F%98%80", 400),
]  # fmt: skip

# Huge for any field, yet within the request target bound (LINKVAULT_MAX_URL_LENGTH, 8192 by default),
# so that the layers behind it are exercised; past the bounds, the request is refused before parsing.
HUGE = "a" * 7_000
QUERIES = [
    _case("past the target length", "GET", f"/v1/linked-accounts?app_name={'a' * 60_000}", 414),
    _case("aci: past the target length", "GET", f"{ACI_CALLBACK}?code=c&state={'a' * 60_000}", 414),
    _case("quiva: past the target length", "GET", f"{QUIVA_CALLBACK}?code={'a' * 60_000}&state={A_STATE}", 414),
    _case("list: huge app_name", "GET", f"/v1/linked-accounts?app_name={HUGE}", 200),
    _case("list: huge owner", "GET", f"/v1/linked-accounts?linked_account_owner_id={HUGE}", 200),
    _case("list: huge cursor", "GET", f"/v1/linked-accounts?cursor={HUGE}", 400),
    _case("list: a hundred parameters", "GET", "/v1/linked-accounts?" + "x=1&" * 100, 200),
    _case("list: thousands of parameters", "GET", "/v1/linked-accounts?" + "x=1&" * 2_000, 400),
    _case("start: huge app_name", "GET", f"/v1/linked-accounts/oauth2?app_name={HUGE}&linked_account_owner_id=o",
          404),
    _case("start: huge owner", "GET", f"/v1/linked-accounts/oauth2?app_name={APP}&linked_account_owner_id={HUGE}",
          422),
    _case("aci: huge state", "GET", f"{ACI_CALLBACK}?code=c&state={HUGE}", 400),
    _case("aci: huge code", "GET", f"{ACI_CALLBACK}?code={HUGE}&state={A_STATE}", 400),
    _case("quiva: huge code", "GET", f"{QUIVA_CALLBACK}?code={HUGE}&state={A_STATE}", 400),
    _case("get app: huge name", "GET", f"/v1/app-configurations/{HUGE}", 404),
    _case("start: repeated app_name", "GET",
          f"/v1/linked-accounts/oauth2?app_name={APP}&app_name=nope&linked_account_owner_id=o", {404, 422}),
    _case("list: repeated limit", "GET", "/v1/linked-accounts?limit=1&limit=2", 200),
    _case("list: repeated limit, one invalid", "GET", "/v1/linked-accounts?limit=x&limit=1", {200, 400}),
    _case("list: repeated filter", "GET", f"/v1/linked-accounts?app_name={APP}&app_name=other", 200),
    _case("aci: repeated state", "GET", f"{ACI_CALLBACK}?code=c&state={A_STATE}&state={A_STATE[::-1]}", 400),
    _case("quiva: repeated code", "GET", f"{QUIVA_CALLBACK}?code=a&code=b&state={A_STATE}", 400),
]  # fmt: skip

METHODS = [
    _case("PUT on list accounts", "PUT", "/v1/linked-accounts", 405, {}, allow="GET, HEAD"),
    _case("POST on start", "POST", "/v1/linked-accounts/oauth2", 405, {}, allow="GET, HEAD"),
    _case("DELETE on start", "DELETE", "/v1/linked-accounts/oauth2", 405, allow="GET, HEAD"),
    _case("PATCH on the ACI callback", "PATCH", ACI_CALLBACK, 405, {}, allow="GET"),
    _case("POST on the ACI callback", "POST", ACI_CALLBACK, 405, b"code=c&state=s",
          content_type="application/x-www-form-urlencoded", allow="GET"),
    _case("PUT on an app", "PUT", f"/v1/app-configurations/{APP}", 405, {}, allow="DELETE, GET, HEAD, PATCH"),
    _case("POST on an app", "POST", f"/v1/app-configurations/{APP}", 405, NEW_APP, allow="DELETE, GET, HEAD, PATCH"),
    _case("DELETE on the app list", "DELETE", "/v1/app-configurations", 405, allow="GET, HEAD, POST"),
    _case("PUT on an account", "PUT", "/v1/linked-accounts/{account}", 405, {}, allow="DELETE, GET, HEAD, PATCH"),
    _case("POST on credentials", "POST", "/v1/linked-accounts/{account}/credentials", 405, {}, allow="GET, HEAD"),
    _case("GET on refresh", "GET", "/v1/linked-accounts/{account}/refresh", 405, allow="POST"),
    _case("GET on LangSmith", "GET", f"/v2/auth/callback/{APP}", 405, allow="POST"),
    _case("PUT on Peaka", "PUT", "/connections/{project}/oauth2", 405, {}, allow="POST"),
    _case("POST on quiva", "POST", QUIVA_CALLBACK, 405, {}, allow="GET"),
    _case("OPTIONS", "OPTIONS", "/v1/app-configurations", 405, allow="GET, HEAD, POST"),
    _case("TRACE", "TRACE", "/v1/linked-accounts", 405, allow="GET, HEAD"),
    # A method uvicorn's parser does not know is refused before the application sees it.
    _case("unknown method", "FOO", "/v1/linked-accounts", {400, 405}),
]  # fmt: skip

PATHS = [
    _case("dot segments to another collection", "GET", "/v1/linked-accounts/../app-configurations", 404),
    _case("dot segments to the spec", "GET", "/v1/../openapi.json", 404),
    _case("encoded slashes in an app name", "GET", "/v1/app-configurations/..%2F..%2Fv1%2Flinked-accounts", 404),
    _case("encoded slashes in an account id", "GET", "/v1/linked-accounts/..%2F..%2Fv1%2Fapp-configurations", 404),
    _case("encoded dot segment as an app name", "GET", "/v1/app-configurations/%2e%2e", 404),
    _case("encoded dots and slashes", "GET", "/v1/app-configurations/%2E%2E%2F%2E%2E%2Fopenapi.json", 404),
    _case("backslashes", "GET", "/v1/app-configurations/..\\..\\v1\\linked-accounts", 404),
    _case("delete through an encoded slash", "DELETE", f"/v1/app-configurations/%2e%2e%2f{APP}", 404),
    _case("delete an account through a dot segment", "DELETE", "/v1/linked-accounts/{account}%2F..", 404),
    _case("delete an account with a trailing dot segment", "DELETE", "/v1/linked-accounts/{account}/..", 404),
    _case("Peaka with an encoded slash before the id", "POST", "/connections/..%2F{project}/oauth2", 404,
          {"queryParameters": "code=c"}),
    _case("Peaka with the id twice", "POST", "/connections/{project}%2F..%2F{project}/oauth2", 404,
          {"queryParameters": "code=c"}),
    _case("quiva through an encoded slash", "GET", f"/hub/integrations/..%2Foauth-callback?code=c&state={A_STATE}",
          404),
    _case("double slash", "GET", "//v1/app-configurations", 404),
    _case("upper case", "GET", "/V1/APP-CONFIGURATIONS", 404),
    _case("trailing slash", "GET", f"/v1/app-configurations/{APP}/", {307, 404}),
]  # fmt: skip


def _send(baseline: Baseline, case: Case) -> httpx.Response:
    fill = {"project": baseline.project.id, "app": APP, "account": baseline.account_id}
    target = case.target.format(**fill) if "{" in case.target else case.target
    headers = dict(baseline.project.headers)
    if case.body is not None and case.content_type is not None:
        headers["Content-Type"] = case.content_type
    # The target goes on the wire as written: httpx would otherwise resolve "..".
    return baseline.http.request(
        case.method, "/", content=case.body, headers=headers, extensions={"target": target.encode("ascii")}
    )


@pytest.mark.parametrize(
    "case", [case.param() for case in _body_cases() + NUL_AND_UNICODE + QUERIES + METHODS + PATHS]
)
def test_malformed_requests_get_a_client_error_and_change_nothing(
    baseline: Baseline, linkvault_server: RunningServer, case: Case
):
    response = _send(baseline, case)

    assert response.status_code in case.expect, (response.status_code, response.text[:500])
    if response.status_code >= 400 and case.method != "FOO":
        assert response.headers["content-type"] in ("application/problem+json", "application/json")
    if case.allow is not None and response.status_code == 405:
        assert response.headers["allow"] == case.allow
        assert response.json()["status"] == 405
    _assert_untouched(baseline, linkvault_server)


@pytest.mark.parametrize("bad", ["\\udfff", "\\u0000"], ids=["lone surrogate", "NUL"])
@pytest.mark.parametrize("face", ["langsmith", "peaka"])
def test_a_code_that_is_not_text_is_refused_before_the_state_is_used(
    api: httpx.Client, project: Project, make_app, migrated: Settings, face: str, bad: str
):
    """JSON can spell a code that is no text (a lone surrogate, a NUL); no provider issued it. The
    bridged faces refuse it as the GET faces do, as a bad request (not as the provider's
    ``invalid_grant``), before the state is used up and with no token request: the genuine response
    then still links."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    query = query_of(consent(app, start_link(api, app)))
    if face == "langsmith":
        path = f"/v2/auth/callback/{app.app_name}"
        body = json.dumps({"code": "SURROGATE", "state": query["state"], "iss": query["iss"]})
        genuine = {"code": query["code"], "state": query["state"], "iss": query["iss"]}
    else:
        path = f"/connections/{project.id}/oauth2"
        body = json.dumps({"queryParameters": f"code=SURROGATE&state={query['state']}&iss={query['iss']}"})
        genuine = {"queryParameters": urlencode(query)}

    response = api.post(
        path, content=_lone(bad, body), headers={**project.headers, "Content-Type": "application/json"}
    )

    if face == "langsmith":  # its own shape for a refused field: HTTPValidationError
        assert response.status_code == 422, response.text
        (problem,) = response.json()["detail"]
        assert problem["loc"] == ["body", "code"]
        assert problem["msg"].startswith("code holds a NUL character or an unpaired surrogate")
    else:
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "invalid_input"
        assert response.json()["detail"].startswith("code holds a NUL character or an unpaired surrogate")
    assert app.provider.token_requests(app.client.client_id) == 0
    rows = project_rows(migrated, project.id)
    assert (rows["linked_accounts"], rows["unused link_states"]) == (0, 1)
    assert api.post(path, json=genuine, headers=project.headers).status_code == 200


@pytest.mark.parametrize(
    "owner",
    [
        "\u202egnp.exe",  # right-to-left override
        "😀" * 255,  # the longest owner id, in characters outside the BMP
        "e\u0301",  # a combining accent ...
        "\u00e9",  # ... and the precomposed letter it looks like: another owner
        "\u200b",  # zero-width space
        "\uff46\uff55\uff4c\uff4c\uff57\uff49\uff44\uff54\uff48",  # fullwidth letters
        "x" * 255,
    ],
    ids=["rtl", "255 emoji", "combining", "precomposed", "zero-width", "fullwidth", "255 ascii"],
)
def test_unusual_owner_ids_link_and_read_back_exactly(
    api: httpx.Client, project: Project, make_app, owner: str
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    for other in ("e\u0301", "\u00e9"):  # look-alikes that must stay apart
        if other != owner:
            query = query_of(consent(app, start_link(api, app, owner=other)))
            assert api.get(QUIVA_CALLBACK, params=query, headers=project.headers).status_code == 200

    query = query_of(consent(app, start_link(api, app, owner=owner)))
    finished = api.get(QUIVA_CALLBACK, params=query, headers=project.headers)

    assert finished.status_code == 200, finished.text
    assert finished.json()["subject"] == f"linkvault.oauth.{project.id}.{app.app_name}.{owner}"
    assert finished.json()["sequence"] == 1
    listed = api.get(
        "/v1/linked-accounts?" + urlencode({"linked_account_owner_id": owner}), headers=project.headers
    ).json()
    assert [item["linked_account_owner_id"] for item in listed] == [owner]
    account = api.get(f"/v1/linked-accounts/{listed[0]['id']}", headers=project.headers).json()
    assert account["linked_account_owner_id"] == owner
    everyone = api.get("/v1/linked-accounts", headers=project.headers).json()
    assert sorted(item["linked_account_owner_id"] for item in everyone) == sorted(
        {owner, "e\u0301", "\u00e9"}
    )
    assert uuid.UUID(account["id"])
