"""Mix-up defence (RFC 9207, RFC 9700 §4.4): an authorization response is accepted only with the exact
``iss`` of the issuer the link was started at, and a refused response never reaches a token endpoint.

Two real authorization servers with different issuers take part: ``oidc_provider`` is the honest one,
``other_oidc_provider`` the one an attacker controls or impersonates.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from support.faces import FACES, deliver, deliver_with_state, reason_of
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.oidc import OidcProvider
from support.projects import Project
from support.witness import linked_accounts


def _another_app(api: httpx.Client, project: Project, *, redirect_uri: str) -> str:
    """A second app configuration of the project, with explicit endpoints, using ``redirect_uri``."""
    name = "other-" + secrets.token_hex(4)
    created = api.post(
        "/v1/app-configurations",
        json={
            "app_name": name,
            "client_id": "other",
            "authorize_url": "https://other.example/authorize",
            "token_url": "https://other.example/token",
            "redirect_uri": redirect_uri,
        },
        headers=project.headers,
    )
    assert created.status_code == 201, created.text
    return name


def _nothing_happened(api: httpx.Client, project: Project, *apps) -> None:
    for app in apps:
        assert app.provider.token_requests(app.client.client_id) == 0
    assert linked_accounts(api, project) == []


def _used_up(api: httpx.Client, app, params: dict[str, str]) -> None:
    """The refused response used the state up: the genuine response is refused afterwards."""
    retry = deliver(api, "aci", app_name=app.app_name, project=app.project, params=params)
    assert (retry.status, retry.reason) == (400, "invalid_state"), retry.text
    assert app.provider.token_requests(app.client.client_id) == 0


@pytest.mark.parametrize("face", FACES)
def test_an_iss_of_another_issuer_is_refused_by_every_face(
    api: httpx.Client, project: Project, make_app, other_oidc_provider: OidcProvider, face: str
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    genuine = query_of(consent(app, start_link(api, app)))
    assert genuine["iss"] == app.provider.issuer != other_oidc_provider.issuer

    answer = deliver(
        api,
        face,
        app_name=app.app_name,
        project=project,
        params={**genuine, "iss": other_oidc_provider.issuer},
    )

    assert (answer.status, answer.reason) == (400, "issuer_mismatch"), answer.text
    _nothing_happened(api, project, app)
    _used_up(api, app, genuine)


@pytest.mark.parametrize("face", FACES)
def test_a_missing_iss_is_refused_where_the_provider_advertises_it(
    api: httpx.Client, project: Project, make_app, face: str
):
    """On LangSmith's face, where the path names the app, only while the redirect URI is shared
    (the other side: ``test_langsmith_needs_no_iss_where_the_redirect_uri_is_the_apps_own``)."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    _another_app(api, project, redirect_uri=FRONTEND_CALLBACK)
    assert app.provider.metadata["authorization_response_iss_parameter_supported"] is True
    assert app.body["authorization_response_iss_parameter_supported"] is True
    genuine = query_of(consent(app, start_link(api, app)))
    without_iss = {name: value for name, value in genuine.items() if name != "iss"}

    answer = deliver(api, face, app_name=app.app_name, project=project, params=without_iss)

    assert (answer.status, answer.reason) == (400, "issuer_mismatch"), answer.text
    _nothing_happened(api, project, app)
    _used_up(api, app, genuine)


def test_a_missing_iss_is_accepted_where_no_issuer_is_known(api: httpx.Client, project: Project, make_app):
    """The control for the test above: with the issuer dropped (explicit endpoints, ``"issuer": null``)
    there is no issuer to expect."""
    app = make_app(project)
    explicit = api.patch(
        f"/v1/app-configurations/{app.app_name}",
        json={
            "authorize_url": app.provider.authorization_endpoint,
            "token_url": app.provider.token_endpoint,
            "issuer": None,
        },
        headers=project.headers,
    )
    assert explicit.json()["authorization_response_iss_parameter_supported"] is False
    genuine = query_of(consent(app, start_link(api, app)))
    without_iss = {name: value for name, value in genuine.items() if name != "iss"}

    answer = deliver(api, "aci", app_name=app.app_name, project=project, params=without_iss)

    assert answer.status == 200, answer.text


_ISS_VARIANTS = {
    "trailing slash": lambda issuer: issuer + "/",
    "upper case": lambda issuer: issuer.upper(),
    "https": lambda issuer: issuer.replace("http://", "https://"),
    "localhost": lambda issuer: issuer.replace("127.0.0.1", "localhost"),
    "userinfo": lambda issuer: issuer.replace("://", "://user@"),
    "dot segment": lambda issuer: issuer + "/.",
    "empty query": lambda issuer: issuer + "?",
    "leading space": lambda issuer: " " + issuer,
    "empty": lambda issuer: "",
}


@pytest.mark.parametrize("variant", _ISS_VARIANTS.values(), ids=_ISS_VARIANTS.keys())
def test_an_iss_that_differs_only_slightly_is_refused(api: httpx.Client, project: Project, make_app, variant):
    app = make_app(project)
    genuine = query_of(consent(app, start_link(api, app)))
    iss = variant(app.provider.issuer)
    assert iss != app.provider.issuer

    answer = deliver(api, "aci", app_name=app.app_name, project=project, params={**genuine, "iss": iss})

    assert (answer.status, answer.reason) == (400, "issuer_mismatch"), answer.text
    _nothing_happened(api, project, app)


@pytest.mark.parametrize("face", ["aci", "peaka", "quiva"])
@pytest.mark.parametrize("name", ["iss", "state", "code"])
def test_a_repeated_response_parameter_is_refused(
    api: httpx.Client, project: Project, make_app, other_oidc_provider: OidcProvider, face: str, name: str
):
    """RFC 6749 §3.1: a response parameter must not be repeated; which copy counts would be a guess."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    genuine = query_of(consent(app, start_link(api, app)))
    foreign = {"iss": other_oidc_provider.issuer, "state": "A" * 43, "code": "forged-code"}[name]
    others = [(key, value) for key, value in genuine.items() if key != name]
    queries = [
        urlencode([*others, (name, foreign), (name, genuine[name])]),
        urlencode([*others, (name, genuine[name]), (name, foreign)]),
    ]

    for query in queries:
        match face:
            case "aci":
                response = api.get(f"/v1/linked-accounts/oauth2/callback?{query}")
            case "peaka":
                response = api.post(
                    f"/connections/{project.id}/oauth2",
                    json={"queryParameters": query},
                    headers=project.headers,
                )
            case _:
                response = api.get(f"/hub/integrations/oauth-callback?{query}", headers=project.headers)
        assert response.status_code == 400, (query, response.text)
        # Every face names the code; quiva.ai's {"error", "error_description"} the words too.
        assert reason_of(response) == "invalid_input"
        if face == "quiva":
            assert response.json()["error_description"] == f"the callback repeats the {name} parameter"
        assert "access_token" not in response.text
    _nothing_happened(api, project, app)
    # Refused before the state is looked at, like any malformed request: the genuine response still works.
    finished = deliver(api, face, app_name=app.app_name, project=project, params=genuine)
    assert finished.status == 200, finished.text


@pytest.mark.parametrize("face", ["aci", "peaka"])
@pytest.mark.parametrize("iss", ["foreign", "missing"])
def test_an_error_response_of_another_issuer_is_not_relayed(
    api: httpx.Client, project: Project, make_app, other_oidc_provider: OidcProvider, face: str, iss: str
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    authorization_url = start_link(api, app)
    state = query_of(authorization_url)["state"]
    params = {"error": "access_denied", "error_description": "denied by the attacker", "state": state}
    if iss == "foreign":
        params["iss"] = other_oidc_provider.issuer

    answer = deliver(api, face, app_name=app.app_name, project=project, params=params)

    # Not trusted: the answer is the issuer mismatch, not the error the foreign response claims.
    assert (answer.status, answer.reason) == (400, "issuer_mismatch"), answer.text
    assert "access_denied" not in answer.text and "attacker" not in answer.text
    _nothing_happened(api, project, app)
    _used_up(api, app, query_of(consent(app, authorization_url)))


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize("iss", ["as sent", "removed"])
def test_a_code_of_another_provider_delivered_with_this_providers_state_is_refused(
    api: httpx.Client,
    project: Project,
    make_app,
    oidc_provider: OidcProvider,
    other_oidc_provider: OidcProvider,
    face: str,
    iss: str,
):
    """The mix-up itself: the user started a link at one provider, and the response that comes back
    carries a code of the other provider, with the state of the first."""
    this = make_app(project, provider=oidc_provider, redirect_uri=FRONTEND_CALLBACK)
    other = make_app(project, provider=other_oidc_provider, redirect_uri=FRONTEND_CALLBACK)
    started = query_of(start_link(api, this, owner="victim"))
    foreign = query_of(consent(other, start_link(api, other, owner="someone")))
    params = {"code": foreign["code"], "state": started["state"]}
    if iss == "as sent":
        params["iss"] = foreign["iss"]

    answer = deliver(api, face, app_name=this.app_name, project=project, params=params)

    assert (answer.status, answer.reason) == (400, "issuer_mismatch"), answer.text
    assert "access_token" not in answer.text
    # The code reached neither token endpoint, under either client.
    _nothing_happened(api, project, this, other)
    # The other provider's own link is unaffected.
    finished = deliver(api, face, app_name=other.app_name, project=project, params=foreign)
    assert finished.status == 200, finished.text
    assert [a["app_name"] for a in linked_accounts(api, project)] == [other.app_name]
    assert this.provider.token_requests(this.client.client_id) == 0


def test_a_code_of_the_honest_provider_never_reaches_the_attackers_token_endpoint(
    api: httpx.Client,
    project: Project,
    make_app,
    oidc_provider: OidcProvider,
    other_oidc_provider: OidcProvider,
):
    """The classic direction: the link was started at the attacker's provider, which sent the user on
    to the honest one; the honest redirect (honest code and iss) comes back with the attacker's state."""
    honest = make_app(project, provider=oidc_provider)
    attacker = make_app(project, provider=other_oidc_provider)
    attackers_state = query_of(start_link(api, attacker, owner="victim"))["state"]
    honest_redirect = query_of(consent(honest, start_link(api, honest, owner="victim")))

    answer = deliver_with_state(api, "aci", attacker, params=honest_redirect, state=attackers_state)

    assert (answer.status, answer.reason) == (400, "issuer_mismatch"), answer.text
    assert urlsplit(attacker.provider.issuer).netloc != urlsplit(honest.provider.issuer).netloc
    _nothing_happened(api, project, honest, attacker)


def _langsmith(api: httpx.Client, app_name: str, project: Project, params: dict[str, str]):
    """LangSmith's seed-exact body: ``{code, state}``, no ``iss``."""
    return deliver(
        api,
        "langsmith",
        app_name=app_name,
        project=project,
        params={"code": params["code"], "state": params["state"]},
    )


def test_langsmith_needs_no_iss_where_the_redirect_uri_is_the_apps_own(
    api: httpx.Client, project: Project, make_app
):
    """RFC 9700 §4.4.2.2: the provider can only have sent the user back to this app's own redirect
    URI, so the provider_id in the path binds the response to its provider."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    _another_app(api, project, redirect_uri=FRONTEND_CALLBACK.replace("/frontend/", "/elsewhere/"))
    assert app.body["authorization_response_iss_parameter_supported"] is True
    genuine = query_of(consent(app, start_link(api, app)))
    assert "iss" in genuine

    answer = _langsmith(api, app.app_name, project, genuine)

    assert answer.status == 200, answer.text
    assert [account["app_name"] for account in linked_accounts(api, project)] == [app.app_name]
    assert app.provider.token_requests(app.client.client_id) == 1


@pytest.mark.parametrize(
    "shared",
    [FRONTEND_CALLBACK, FRONTEND_CALLBACK.replace("http://", "HTTP://")],
    ids=["the same URI", "the same URI in another case (RFC 3986 §6.2.2.1)"],
)
def test_langsmith_without_iss_is_refused_where_the_redirect_uri_is_shared(
    api: httpx.Client, project: Project, make_app, shared: str
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    _another_app(api, project, redirect_uri=shared)
    genuine = query_of(consent(app, start_link(api, app)))

    answer = _langsmith(api, app.app_name, project, genuine)

    assert (answer.status, answer.reason) == (400, "issuer_mismatch"), answer.text
    assert answer.response.json()["detail"] == (
        "the authorization response has no iss parameter, and this app configuration shares its "
        "redirect_uri with another one of the project, so nothing tells which provider answered; "
        "send the iss the provider returned, or give each app configuration its own redirect_uri"
    )
    _nothing_happened(api, project, app)
    _used_up(api, app, genuine)


def test_langsmith_without_iss_cannot_mix_up_two_providers_sharing_a_redirect_uri(
    api: httpx.Client,
    project: Project,
    make_app,
    oidc_provider: OidcProvider,
    other_oidc_provider: OidcProvider,
):
    """The mix-up the defence is for: the link was started at the attacker's provider, which sent the
    user on to the honest one; the honest code comes back to the shared redirect URI with the
    attacker's state, and the frontend posts both under the attacker's provider_id, without iss."""
    honest = make_app(project, provider=oidc_provider, redirect_uri=FRONTEND_CALLBACK)
    attacker = make_app(project, provider=other_oidc_provider, redirect_uri=FRONTEND_CALLBACK)
    attackers_state = query_of(start_link(api, attacker, owner="victim"))["state"]
    honest_code = query_of(consent(honest, start_link(api, honest, owner="victim")))["code"]

    answer = _langsmith(api, attacker.app_name, project, {"code": honest_code, "state": attackers_state})

    assert (answer.status, answer.reason) == (400, "issuer_mismatch"), answer.text
    # The honest code reached no token endpoint, the attacker's least of all.
    _nothing_happened(api, project, honest, attacker)


def test_langsmith_checks_an_iss_that_is_sent_even_where_the_redirect_uri_is_the_apps_own(
    api: httpx.Client, project: Project, make_app, other_oidc_provider: OidcProvider
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    genuine = query_of(consent(app, start_link(api, app)))

    answer = deliver(
        api,
        "langsmith",
        app_name=app.app_name,
        project=project,
        params={**genuine, "iss": other_oidc_provider.issuer},
    )

    assert (answer.status, answer.reason) == (400, "issuer_mismatch"), answer.text
    _nothing_happened(api, project, app)
