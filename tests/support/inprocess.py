"""linkvault in the test process: ``create_app`` driven through ``httpx.ASGITransport``, with no server
to start, and the clock its expiry is judged by in the test's hands.

The application and its services live on the event loop of an anyio blocking portal; the test gets a
plain ``httpx.Client``, so the helpers written for a real server (``start_link``, ``deliver``) work on
it unchanged.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpcore
import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal
from starlette.types import ASGIApp

from linkvault.app import create_app
from linkvault.engine.egress import Resolver
from linkvault.engine.services import Services, open_services
from linkvault.settings import Settings
from linkvault.store.types import utc_now

__all__ = ["BASE_URL", "FakeClock", "InProcess", "in_process"]

BASE_URL = "http://linkvault.test"

T = TypeVar("T")


@dataclass
class FakeClock:
    """``Services.clock`` that moves only when the test says so."""

    now: datetime = field(default_factory=utc_now)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class _PortalTransport(httpx.BaseTransport):
    """A synchronous transport that hands each request to ``httpx.ASGITransport`` on the portal's loop."""

    def __init__(self, portal: BlockingPortal, app: ASGIApp) -> None:
        self._portal = portal
        self._asgi = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._asgi.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._portal.call(send)


@dataclass(frozen=True)
class InProcess:
    """An in-process linkvault: ``http`` talks to it, ``clock`` is its time, ``services`` its state;
    ``run`` calls an engine coroutine function on the application's event loop (one worker pass, say)."""

    http: httpx.Client
    clock: FakeClock
    services: Services
    portal: BlockingPortal

    def run(self, function: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        return self.portal.call(functools.partial(function, self.services, *args, **kwargs))


@contextmanager
def in_process(
    settings: Settings,
    *,
    resolver: Resolver | None = None,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
) -> Iterator[InProcess]:
    """``create_app(settings)`` on services whose clock is a ``FakeClock``; closed on exit. ``resolver``
    and ``network_backend`` replace DNS and the network for outbound calls (``support.egress``)."""
    clock = FakeClock()
    extra: dict[str, Any] = {"network_backend": network_backend}
    if resolver is not None:
        extra["resolver"] = resolver
    services = dataclasses.replace(open_services(settings, **extra), clock=clock)
    with start_blocking_portal() as portal:
        app = create_app(settings, services=services)
        try:
            with httpx.Client(transport=_PortalTransport(portal, app), base_url=BASE_URL) as http:
                yield InProcess(http=http, clock=clock, services=services, portal=portal)
        finally:
            portal.call(services.aclose)
