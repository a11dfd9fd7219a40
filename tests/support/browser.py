"""A real browser for the end-to-end tests: Debian's Chromium, driven by Playwright for Python, and a
small application on loopback for it to land on after linking.

Playwright is used with ``executable_path``: its own browser download (``playwright install``) is never
run; ``.ci/run`` installs Debian's ``chromium`` with apt. Nothing may leave the machine, even when the
code under test is broken: every request for a host other than 127.0.0.1 is aborted before it is sent
(and recorded), the host resolver maps every name to nothing, and background networking is off.
"""

from __future__ import annotations

import html
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Browser, Route, sync_playwright

__all__ = ["ApplicationPage", "BlockedRequests", "application_page", "chromium", "chromium_path"]

_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Every host name resolves to nothing; 127.0.0.1 is an address, not a name.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def chromium_path() -> str:
    """Debian's Chromium (``LINKVAULT_TEST_CHROMIUM`` names another). A missing browser fails the test
    with a message saying how to install it: this test is never skipped."""
    path = os.environ.get("LINKVAULT_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise RuntimeError(
            f"Chromium not found at {path}: install Debian's package (`apt-get install chromium`, as "
            ".ci/run does) or set LINKVAULT_TEST_CHROMIUM"
        )
    return path


@dataclass
class BlockedRequests:
    """The URLs the browser tried to reach off loopback (aborted before sending)."""

    urls: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.urls.append(route.request.url)
            route.abort()


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium; close it by leaving the block."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class ApplicationPage:
    """The application's own page on loopback, where linkvault sends the user after linking: it shows
    the query it received, and remembers every query."""

    base_url: str
    received: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def application_page() -> Iterator[ApplicationPage]:
    """An HTTP server on 127.0.0.1 (a free port) answering every GET with a page listing its query."""
    page = ApplicationPage(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
            page.received.append(query)
            items = "".join(
                f'<li><span class="name">{html.escape(name)}</span>=<span class="value">'
                f"{html.escape(value)}</span></li>"
                for name, value in query.items()
            )
            body = (
                "<!DOCTYPE html><html><head><title>The application</title></head><body>"
                f"<h1>Back in the application</h1><ul id='query'>{items}</ul></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    page.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield page
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
