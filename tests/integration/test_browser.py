"""A person links an account in a real browser (Debian's Chromium, headless): the test authorization
server's login and consent pages, back through linkvault's callback, to the application's page named
as the post-link redirect, or to linkvault's own result page when there is none; and the same when the
person declines. What is checked is what the person sees.

Never skipped: without Chromium the test fails and says how to install it (.ci/run does, with apt).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from support.browser import ApplicationPage, BlockedRequests, application_page, chromium
from support.flows import start_link
from support.projects import Project
from support.server import RunningServer
from support.witness import linked_accounts

CALLBACK = "/v1/linked-accounts/oauth2/callback"


@pytest.fixture(scope="module")
def application() -> Iterator[ApplicationPage]:
    with application_page() as page:
        yield page


@pytest.fixture
def tab(project: Project) -> Iterator[tuple[Page, BlockedRequests, list[str]]]:
    """A fresh browser (no cookies), its off-loopback requests blocked, its console errors kept.

    Started after ``project``: Playwright's synchronous API keeps an event loop running in this
    thread while the browser is open, and creating a project runs one of its own."""
    with chromium() as browser:
        yield from _tab(browser)


def _tab(browser: Browser) -> Iterator[tuple[Page, BlockedRequests, list[str]]]:
    context = browser.new_context()
    blocked = BlockedRequests()
    context.route("**/*", blocked.route)
    page = context.new_page()
    page.set_default_timeout(20_000)
    console_errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(f"{page.url}: {message.text}")

    page.on("console", keep)
    try:
        yield page, blocked, console_errors
    finally:
        context.close()


def _sign_in_and_answer(page: Page, authorization_url: str, *, consent: bool) -> None:
    """The person opens the authorization URL, signs in as alice and consents, or cancels at the
    consent page (oidc-provider's devInteractions)."""
    page.goto(authorization_url)
    page.fill("input[name=login]", "alice")
    page.fill("input[name=password]", "any password")
    page.click("button:has-text('Sign-in')")
    page.wait_for_selector("button:has-text('Continue')")
    if consent:
        page.click("button:has-text('Continue')")
    else:
        page.click("a:has-text('[ Cancel ]')")


def _query_shown(page: Page) -> dict[str, str]:
    names = page.locator("#query .name").all_inner_texts()
    values = page.locator("#query .value").all_inner_texts()
    return dict(zip(names, values, strict=True))


@pytest.mark.parametrize("consent", [True, False], ids=["consents", "declines"])
def test_the_person_lands_on_the_applications_page(
    api: httpx.Client,
    project: Project,
    make_app,
    tab,
    application: ApplicationPage,
    linkvault_server: RunningServer,
    consent: bool,
):
    page, blocked, _ = tab
    app = make_app(project, allowed_redirect_urls=[f"{application.base_url}/app"])
    after = f"{application.base_url}/app/linked?from=linkvault"
    authorization_url = start_link(api, app, after_oauth2_link_redirect_url=after)

    _sign_in_and_answer(page, authorization_url, consent=consent)
    page.wait_for_url(f"{application.base_url}/app/linked?*")

    assert page.locator("h1").inner_text() == "Back in the application"
    shown = _query_shown(page)
    if consent:
        assert shown == {"from": "linkvault"}
        [account] = linked_accounts(api, project)
        assert account["linked_account_owner_id"] == "owner-1"
    else:
        assert shown == {"from": "linkvault", "error": "access_denied", "error_description": "access_denied"}
        assert linked_accounts(api, project) == []
    assert application.received[-1] == shown
    # The browser never went anywhere but loopback (the provider's page asks for a web font).
    assert all("127.0.0.1" not in url for url in blocked.urls), blocked.urls


@pytest.mark.parametrize(
    ("consent", "outcome", "title", "words"),
    [
        (True, "linked", "Account linked", "Your account is linked. You can close this tab."),
        (False, "denied", "Account not linked", "access was declined at the provider"),
    ],
    ids=["consents", "declines"],
)
def test_without_a_post_link_url_the_person_reads_the_outcome_on_linkvaults_page(
    api: httpx.Client,
    project: Project,
    make_app,
    tab,
    linkvault_server: RunningServer,
    consent: bool,
    outcome: str,
    title: str,
    words: str,
):
    page, _, console_errors = tab
    app = make_app(project)
    statuses: list[int] = []
    page.on(
        "response",
        lambda response: statuses.append(response.status) if CALLBACK in response.url else None,
    )

    _sign_in_and_answer(page, start_link(api, app), consent=consent)
    page.wait_for_url(f"{linkvault_server.base_url}{CALLBACK}?*")
    page.wait_for_selector(f"main[data-outcome={outcome}]")

    assert statuses == [200 if consent else 400]
    assert page.title() == title
    assert page.locator("h1").inner_text() == title
    assert words in re.sub(r"\s+", " ", page.locator("main").inner_text())
    # The page's own style applies under its Content-Security-Policy, and nothing was refused (the
    # only console error allowed is the 400's own "Failed to load resource").
    background = page.evaluate("getComputedStyle(document.querySelector('main')).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    assert [error for error in console_errors if "Content Security Policy" in error] == []
    assert len(linked_accounts(api, project)) == (1 if consent else 0)
