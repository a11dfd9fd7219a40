"""Authorization code injection (RFC 9700 §4.5): a code delivered with the state of another flow is
exchanged with that flow's PKCE verifier (and client), so the provider refuses it, and nothing is
linked for anyone.
"""

from __future__ import annotations

import httpx
import pytest

from support.faces import FACES, deliver, deliver_with_state
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.pkce import s256
from support.projects import Project
from support.witness import linked_accounts


def _owners(api: httpx.Client, project: Project) -> list[str]:
    return sorted(item["linked_account_owner_id"] for item in linked_accounts(api, project))


@pytest.mark.parametrize("face", FACES)
def test_a_stolen_code_injected_into_another_owners_flow_is_refused(
    api: httpx.Client, project: Project, make_app, face: str
):
    """The attacker starts a link for their own owner id and finishes it with the victim's code, to get
    the victim's account linked (or, at quiva.ai's face, its tokens handed) to the attacker."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    attackers_url = start_link(api, app, owner="attacker")
    victims_url = start_link(api, app, owner="victim")
    victims_redirect = query_of(consent(app, victims_url, login="victim"))
    attackers_state = query_of(attackers_url)["state"]

    answer = deliver_with_state(api, face, app, params=victims_redirect, state=attackers_state)

    assert (answer.status, answer.reason) == (400, "invalid_grant"), answer.text
    assert "access_token" not in answer.text
    # The code did reach the provider, with the attacker's flow's verifier, which does not match the
    # challenge the victim's code was issued for.
    form = app.provider.last_token_request(app.client.client_id)["form"]
    assert form["code"] == victims_redirect["code"]
    assert s256(form["code_verifier"]) == query_of(attackers_url)["code_challenge"]
    assert s256(form["code_verifier"]) != query_of(victims_url)["code_challenge"]
    assert app.provider.token_requests(app.client.client_id) == 1
    assert _owners(api, project) == []
    # The victim's own flow is untouched and links the victim alone.
    finished = deliver(api, face, app_name=app.app_name, project=project, params=victims_redirect)
    assert finished.status == 200, finished.text
    assert _owners(api, project) == ["victim"]


def test_the_attackers_own_code_injected_into_a_victims_flow_is_refused(
    api: httpx.Client, project: Project, make_app
):
    """The other direction: the attacker's code with the victim's state would link the attacker's
    provider account under the victim's owner id."""
    app = make_app(project)
    victims_state = query_of(start_link(api, app, owner="victim"))["state"]
    attackers_redirect = query_of(consent(app, start_link(api, app, owner="attacker"), login="mallory"))

    answer = deliver_with_state(api, "aci", app, params=attackers_redirect, state=victims_state)

    assert (answer.status, answer.reason) == (400, "invalid_grant"), answer.text
    assert app.provider.token_requests(app.client.client_id) == 1
    assert _owners(api, project) == []


def test_a_code_issued_to_another_client_is_refused(api: httpx.Client, project: Project, make_app):
    """Two apps at one provider: the code of one app's client, with the state of the other, is sent
    with the other client's credentials and refused."""
    first = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    second = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    seconds_state = query_of(start_link(api, second, owner="victim"))["state"]
    firsts_redirect = query_of(consent(first, start_link(api, first, owner="victim")))

    answer = deliver_with_state(api, "aci", second, params=firsts_redirect, state=seconds_state)

    assert (answer.status, answer.reason) == (400, "invalid_grant"), answer.text
    assert first.provider.token_requests(first.client.client_id) == 0
    assert second.provider.token_requests(second.client.client_id) == 1
    assert _owners(api, project) == []
