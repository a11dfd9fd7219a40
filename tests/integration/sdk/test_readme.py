"""sdk/README.md's examples, run against the live server and the test authorization server.

Each marked block (``<!-- run: NAME -->``) runs as written, in a namespace holding what the README says
the examples assume: ``LV_URL`` and ``API_KEY`` (a fresh project's), an app configuration named
``github`` at the test provider, and, for the callbacks, the redirect the provider sent the user back
with after the test provider's login and consent pages were driven (``OidcProvider.authorize``): ``code``,
``state`` and ``iss``, or the whole ``redirect_url``. The test then checks what the block left behind.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from linkvault_client import AuthenticatedClient, Client
from linkvault_client.api.app_configurations import list_app_configurations
from linkvault_client.api.linked_accounts import get_linked_account
from linkvault_client.models import (
    Connection,
    LinkedAccountCredentials,
    LinkedAccountPublic,
    LinkStarted,
    OauthConnection,
)
from support.flows import FRONTEND_CALLBACK, query_of
from support.markdown import Block, runnable_blocks
from support.sdk import consent, link_via_aci

if TYPE_CHECKING:
    from conftest import AppFactory, LinkedApp

    from support.oidc import OidcProvider
    from support.projects import Project
    from support.server import RunningServer

README = Path(__file__).resolve().parents[3] / "sdk" / "README.md"
BLOCKS = runnable_blocks(README)


def run(name: str, **given: Any) -> dict[str, Any]:
    """Run the README's block ``name`` with the names it assumes; answer the names it defined."""
    block: Block = BLOCKS[name]
    assert block.language == "python", name
    namespace: dict[str, Any] = {"__name__": f"sdk_readme_{name.replace('-', '_')}", **given}
    exec(block.compiled(README), namespace)  # noqa: S102 - the README's own example, not input
    return namespace


def assumed(server: RunningServer, project: Project) -> dict[str, Any]:
    return {"LV_URL": server.base_url, "API_KEY": project.api_key}


def github(make_app: AppFactory, project: Project, *, bridged: bool) -> LinkedApp:
    """The README's app ``github``: linkvault's own callback, or (bridged) the application's frontend."""
    return make_app(project, app_name="github", **({"redirect_uri": FRONTEND_CALLBACK} if bridged else {}))


def test_every_example_is_run() -> None:
    ran = {name for name in BLOCKS}
    assert ran == {
        "auth-api-key", "auth-bearer", "start-link-sync", "start-link-async", "aci-callback-sync",
        "aci-callback-async", "langsmith-callback-sync", "langsmith-callback-async", "peaka-callback-sync",
        "peaka-callback-async", "quiva-callback-sync", "quiva-callback-async", "credentials-sync",
        "credentials-async", "errors", "pagination",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "header", "value"),
    [("auth-api-key", "X-API-KEY", "{key}"), ("auth-bearer", "Authorization", "Bearer {key}")],
)
def test_both_ways_to_authenticate(
    linkvault_server: RunningServer, project: Project, name: str, header: str, value: str
) -> None:
    client = run(name, **assumed(linkvault_server, project))["client"]
    assert isinstance(client, AuthenticatedClient)
    with client:
        assert client.get_httpx_client().headers[header] == value.format(key=project.api_key)
        assert list_app_configurations.sync(client=client) == []
    wrong = run(name, LV_URL=linkvault_server.base_url, API_KEY="lvk_wrong")["client"]
    with wrong:
        assert list_app_configurations.sync_detailed(client=wrong).status_code == 401


def test_start_a_link(
    linkvault_server: RunningServer, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    github(make_app, project, bridged=False)

    started = run("start-link-sync", **assumed(linkvault_server, project))["started"]
    url = run("start-link-async", **assumed(linkvault_server, project))["url"]

    assert isinstance(started, LinkStarted)
    for authorization_url in (started.url, url):
        assert authorization_url.startswith(oidc_provider.authorization_endpoint + "?")
        assert query_of(authorization_url)["redirect_uri"] == f"{linkvault_server.base_url}/v1/linked-accounts/oauth2/callback"


@pytest.mark.parametrize("name", ["aci-callback-sync", "aci-callback-async"])
def test_the_aci_callback(
    linkvault_server: RunningServer,
    keyed: Client,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
    name: str,
) -> None:
    github(make_app, project, bridged=False)
    redirect = query_of(consent(oidc_provider, keyed, "github", "user-42"))

    account = run(name, **assumed(linkvault_server, project), **redirect)["account"]

    assert isinstance(account, LinkedAccountPublic), account
    assert (account.app_name, account.linked_account_owner_id) == ("github", "user-42")


@pytest.mark.parametrize("name", ["langsmith-callback-sync", "langsmith-callback-async"])
def test_the_langsmith_callback(
    linkvault_server: RunningServer,
    keyed: Client,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
    name: str,
) -> None:
    github(make_app, project, bridged=True)
    redirect = query_of(consent(oidc_provider, keyed, "github", "user-42"))

    account = run(name, **assumed(linkvault_server, project), **redirect)["account"]

    assert isinstance(account, LinkedAccountPublic), account
    assert (account.app_name, account.linked_account_owner_id) == ("github", "user-42")


@pytest.mark.parametrize("name", ["peaka-callback-sync", "peaka-callback-async"])
def test_the_peaka_callback(
    linkvault_server: RunningServer,
    keyed: Client,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
    name: str,
) -> None:
    github(make_app, project, bridged=True)
    redirect_url = consent(oidc_provider, keyed, "github", "user-42")

    connection = run(name, **assumed(linkvault_server, project), project_id=project.id, redirect_url=redirect_url)[
        "connection"
    ]

    assert isinstance(connection, Connection), connection
    assert (connection.name, connection.type_, connection.url) == ("user-42", "github", FRONTEND_CALLBACK)
    account = get_linked_account.sync(uuid.UUID(connection.id), client=keyed)  # type: ignore[arg-type]
    assert isinstance(account, LinkedAccountPublic)


@pytest.mark.parametrize("name", ["quiva-callback-sync", "quiva-callback-async"])
def test_the_quiva_callback(
    linkvault_server: RunningServer,
    keyed: Client,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
    name: str,
) -> None:
    github(make_app, project, bridged=True)
    redirect = query_of(consent(oidc_provider, keyed, "github", "user-42"))

    tokens = run(name, **assumed(linkvault_server, project), **redirect)["tokens"]

    assert isinstance(tokens, OauthConnection), tokens
    assert isinstance(tokens.access_token, str) and tokens.access_token
    assert isinstance(tokens.refresh_token, str) and tokens.refresh_token
    assert tokens.subject == f"linkvault.oauth.{project.id}.github.user-42"


def test_fresh_credentials(
    linkvault_server: RunningServer,
    keyed: Client,
    anonymous: Client,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
) -> None:
    app = github(make_app, project, bridged=False)
    account = link_via_aci(oidc_provider, keyed, anonymous, "github", "user-42")
    issued = oidc_provider.last_token_response(app.client.client_id)["access_token"]

    synced = run("credentials-sync", **assumed(linkvault_server, project), account_id=account.id)
    access_token = run("credentials-async", **assumed(linkvault_server, project), account_id=account.id)["access_token"]

    credentials = synced["credentials"]
    assert isinstance(credentials, LinkedAccountCredentials)
    assert synced["provider_headers"] == {"Authorization": f"Bearer {issued}"}
    assert access_token == issued


def test_errors(linkvault_server: RunningServer, project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    run("errors", **assumed(linkvault_server, project))

    assert capsys.readouterr().out.startswith("404 not_found ")


def test_pagination(
    linkvault_server: RunningServer,
    keyed: Client,
    anonymous: Client,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
) -> None:
    github(make_app, project, bridged=False)
    linked = [link_via_aci(oidc_provider, keyed, anonymous, "github", f"user-{n}").id for n in range(3)]

    defined = run("pagination", **assumed(linkvault_server, project))

    assert [account.id for account in defined["accounts"]] == linked
    # The README's helper follows the Link header page after page.
    with AuthenticatedClient(base_url=linkvault_server.base_url, token=project.api_key) as client:
        one_by_one = list(defined["every_account"](client, app_name="github", limit=1))
    assert [account.id for account in one_by_one] == linked
