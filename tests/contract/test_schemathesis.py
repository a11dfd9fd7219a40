"""The Schemathesis contract suite: every operation of openapi/openapi.yaml, under every check.

``test_contract`` runs the examples, coverage and fuzzing phases against ``create_app`` in-process
(ASGI), or over HTTP against ``LINKVAULT_CONTRACT_URL`` (with ``LINKVAULT_CONTRACT_API_KEY``) when that
is set. ``test_contract_over_http`` runs the same against a real uvicorn server, so that what the ASGI
shortcut skips (the server's own handling of the wire) is tested too. ``TestContractWorkflow`` runs
stateful scenarios in-process, where ``use_after_free`` and ``ensure_resource_availability`` apply.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import AuthContext, Case, HookContext
from schemathesis.specs.openapi.schemas import OpenApiSchema
from starlette.types import ASGIApp, Receive, Scope, Send

from linkvault.settings import Settings
from support.projects import create_project
from support.server import RunningServer

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "openapi.yaml"
CONTRACT_URL = os.environ.get("LINKVAULT_CONTRACT_URL") or None

# Fixed, so that CI runs the same cases every time; change it to explore other cases locally.
SEED = 20_250_611
MAX_EXAMPLES = 30


def _positive_data_also_gets(status: int, *operation_ids: str) -> dict[str, Any]:
    """``positive_data_acceptance`` for operations where a schema-valid request can still be refused with
    ``status``: the spec documents that answer, and no schema can say which values will get it."""
    # Schemathesis's default expectations, plus the one documented refusal.
    expected = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx", str(status)]
    return {
        "include-operation-id": list(operation_ids),
        "checks": {"positive_data_acceptance": {"expected-statuses": expected}},
    }


OPERATIONS: list[dict[str, Any]] = [
    # A callback finishes a link only with a state linkvault issued moments before and that is still
    # pending; a generated state never is one, so every callback answers 400 invalid_state.
    _positive_data_also_gets(
        400,
        "linked-accounts-linked_accounts_oauth2_callback",
        "oauth_callback_v2_auth_callback__provider_id__post",
        "oauth2Callback",
        "integrationsOauthCallback",
    ),
    # `cursor` is opaque: only a cursor of a `Link` header this server gave out is one (400 otherwise).
    _positive_data_also_gets(
        400, "list_linked_accounts", "list_apps", "list_events", "list_webhook_deliveries"
    ),
    # A webhook URL must be https (http only for a loopback IP address), without credentials or fragment,
    # and its host must resolve to an address webhooks may reach: 400 invalid_input otherwise.
    _positive_data_also_gets(400, "create_webhook_endpoint", "update_webhook_endpoint"),
    # URLs must be absolute https (plain http only on loopback), without credentials or fragment, and a
    # configuration needs either a discoverable issuer or both endpoints: rules of URLs and of the
    # provider that JSON Schema cannot state, so schema-valid bodies may get 400 invalid_input.
    _positive_data_also_gets(400, "create_app_configuration", "update_app_configuration"),
    # ACI's seed parameters are plain strings, but an owner id has 1 to 255 characters and the
    # post-link URL must be on the app's allow-list: both refused with the seed's 422.
    _positive_data_also_gets(422, "linked-accounts-link_oauth2_account"),
    # The same rules for LangSmith's providers (URLs), its parameters (text without NUL) and for the
    # agent's and ACI.dev's non-OAuth2 accounts (the owner id, an account of the app's own security
    # scheme), refused with FastAPI's 422 as those services do.
    _positive_data_also_gets(
        422,
        "create_oauth_provider",
        "update_oauth_provider",
        "authenticate",
        "get_oauth_provider",
        "delete_oauth_provider",
        "wait_for_auth",
        "check_token_exists",
        "revoke_tokens",
        "link_api_key_account",
        "link_http_basic_account",
        "link_http_bearer_account",
        "link_no_auth_account",
    ),
]

CONFIG: dict[str, Any] = {
    "seed": SEED,
    "generation": {
        "mode": "all",
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        # No .hypothesis/ directory in the work tree, and no replay of another run's failures.
        "database": "none",
    },
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
    },
    "checks": {"enabled": True},
    "request-timeout": 10,
    "operations": OPERATIONS,
}

# A generous per-example deadline: requests take milliseconds; a hung one fails rather than stalls CI.
# The function-scoped fixtures aim the schema at its target once per operation; nothing in them is
# per-example state, so Hypothesis's warning about them does not apply.
HYPOTHESIS_SETTINGS = settings(
    deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class DeferredApp:
    """The ASGI app of the running test, which a fixture provides.

    Schemathesis binds a schema's app when it collects the tests, before any fixture (the database,
    the settings) exists. ``schemathesis.pytest.from_fixture`` exists for this, but Schemathesis 4.32.5's
    lazy loader fails on pytest 9.2 (it reads ``Function._nodeid``, which pytest 9.2 no longer has)."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "no app: the `target` fixture provides it"
        await self.app(scope, receive, send)


class ProjectApiKey:
    """``X-API-KEY`` on every case of an operation that declares security; Schemathesis's valid credential,
    so ``ignored_auth`` proves each such operation refuses the request without it and with a wrong one.

    Schemathesis builds the examples and coverage cases when it collects the tests, before the project
    (and its key) exists; they get ``PLACEHOLDER``, which ``sign`` replaces with the key before the call."""

    PLACEHOLDER = "lvk_contract-key-placeholder"
    api_key: str | None = None

    def get(self, case: Case, context: AuthContext) -> str | None:
        return self.PLACEHOLDER if case.operation.definition.raw.get("security") else None

    def set(self, case: Case, data: str, context: AuthContext) -> None:
        if case.headers is None:
            case.headers = {}
        case.headers["X-API-KEY"] = data

    @classmethod
    def sign(cls, case: Case) -> None:
        assert cls.api_key is not None, "no key: the target fixtures provide it"
        if case.headers and case.headers.get("X-API-KEY") == cls.PLACEHOLDER:
            case.headers["X-API-KEY"] = cls.api_key


def _load(*, base_url: str | None = None, app: DeferredApp | None = None, **config: Any) -> OpenApiSchema:
    config = {**CONFIG, **config, **({"base-url": base_url} if base_url else {})}
    loaded = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis.Config.from_dict(config))
    loaded.app = app
    loaded.auth(refresh_interval=None)(ProjectApiKey)
    return loaded


in_process_app = DeferredApp()
_destination: dict[str, Any] = {"base_url": CONTRACT_URL} if CONTRACT_URL else {"app": in_process_app}
schema = _load(**_destination)
schema_over_http = _load()
# Scenarios only need valid requests: the parametrized tests send the invalid ones.
workflow_schema = _load(app=in_process_app, generation={**CONFIG["generation"], "mode": "positive"})


@pytest.fixture
def target(request: pytest.FixtureRequest, contract_api_key: str) -> Iterator[None]:
    """Aim ``schema`` at ``create_app`` in-process, unless it is aimed at LINKVAULT_CONTRACT_URL."""
    ProjectApiKey.api_key = contract_api_key
    if CONTRACT_URL is not None:
        yield
        return
    in_process_app.app = request.getfixturevalue("contract_app")
    try:
        yield
    finally:
        in_process_app.app = None


@pytest.fixture
def http_target(request: pytest.FixtureRequest) -> str:
    """The base URL of a real server on the suite's database."""
    if CONTRACT_URL is not None:
        pytest.skip("LINKVAULT_CONTRACT_URL is set: test_contract already runs over HTTP")
    ProjectApiKey.api_key = request.getfixturevalue("contract_api_key")
    server: RunningServer = request.getfixturevalue("contract_server")
    return server.base_url


@schema.parametrize()
@HYPOTHESIS_SETTINGS
def test_contract(case: Case, target: None) -> None:
    ProjectApiKey.sign(case)
    case.call_and_validate()


@schema_over_http.parametrize()
@HYPOTHESIS_SETTINGS
def test_contract_over_http(case: Case, http_target: str) -> None:
    ProjectApiKey.sign(case)
    case.call_and_validate(base_url=http_target)


@workflow_schema.hook
def map_body(context: HookContext, body: Any) -> Any:
    """Endpoints that pass linkvault's URL rules in generated app configurations, so that scenarios
    create some and go on to read, change and delete them (``ensure_resource_availability`` and
    ``use_after_free`` check those steps). The parametrized tests fuzz the URLs themselves."""
    operation = context.operation
    if operation is None or operation.definition.raw.get("operationId") != "create_app_configuration":
        return body
    if not isinstance(body, dict):
        return body
    endpoints = {
        "authorize_url": "https://provider.test/authorize",
        "token_url": "https://provider.test/token",
    }
    urls = ("issuer", "revocation_url", "redirect_uri", "allowed_redirect_urls")
    return {**{name: value for name, value in body.items() if name not in urls}, **endpoints}


class ContractWorkflow(workflow_schema.as_state_machine()):  # type: ignore[misc]
    """Scenarios along the links Schemathesis infers (e.g. a created app configuration's ``app_name``
    into GET, PATCH and DELETE ``/v1/app-configurations/{app_name}``), every check after every step.

    Each scenario works in a project of its own: Hypothesis replays scenarios and requires them to
    behave the same, so what one scenario created must not change what the next one sees."""

    project_settings: ClassVar[Settings | None] = None

    def setup(self) -> None:
        assert self.project_settings is not None, "no settings: the `workflow_target` fixture provides them"
        ProjectApiKey.api_key = create_project(self.project_settings, name="contract-workflow").api_key

    def before_call(self, case: Case) -> None:
        ProjectApiKey.sign(case)


@pytest.fixture
def workflow_target(request: pytest.FixtureRequest) -> Iterator[None]:
    """Aim ``workflow_schema`` at ``create_app`` in-process, its scenarios at projects of their own."""
    if CONTRACT_URL is not None:
        pytest.skip("LINKVAULT_CONTRACT_URL is set: scenarios need projects of their own")
    ContractWorkflow.project_settings = request.getfixturevalue("migrated")
    in_process_app.app = request.getfixturevalue("contract_app")
    try:
        yield
    finally:
        in_process_app.app = None
        ContractWorkflow.project_settings = None


@pytest.mark.usefixtures("workflow_target")
class TestContractWorkflow(ContractWorkflow.TestCase):  # type: ignore[misc]
    # Schemathesis's own scenario settings (generate only, no health checks), bounded and derandomized.
    settings = settings(
        max_examples=20,
        stateful_step_count=10,
        deadline=timedelta(seconds=5),
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
