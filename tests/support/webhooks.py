"""A webhook receiver on loopback that verifies every delivery with the ``standardwebhooks`` package
(the specification's reference implementation, not linkvault's code) and counts what it got."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

__all__ = ["Delivery", "Receiver", "receiver"]


@dataclass(frozen=True)
class Delivery:
    """One POST the receiver got: its headers (lower-case names), body and the status it answered."""

    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def payload(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    """``url`` takes POSTs. The first ``fail_first`` answer ``fail_status``; then each is verified with
    every secret in ``secrets`` (set after the endpoint is created) and answered 204 when one verifies,
    400 otherwise. ``deliveries`` holds every POST, ``verified`` the payloads of those that verified."""

    url: str
    secrets: list[str] = field(default_factory=list)
    fail_first: int = 0
    fail_status: int = 500
    answer: Callable[[], tuple[int, dict[str, str]]] | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    verified: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        with self.lock:
            if self.answer is not None:
                status, extra = self.answer()
                self.deliveries.append(Delivery(headers, body, status))
                return status, extra
            if len(self.deliveries) < self.fail_first:
                self.deliveries.append(Delivery(headers, body, self.fail_status))
                return self.fail_status, {}
            for secret in self.secrets:
                try:
                    payload = Webhook(secret).verify(body, headers)
                except WebhookVerificationError:
                    continue
                self.verified.append(payload)
                self.deliveries.append(Delivery(headers, body, 204))
                return 204, {}
            self.deliveries.append(Delivery(headers, body, 400))
            return 400, {}

    def types(self) -> list[str]:
        with self.lock:
            return [payload["type"] for payload in self.verified]

    def counts(self) -> Counter[str]:
        """How many POSTs each ``webhook-id`` got."""
        with self.lock:
            return Counter(delivery.webhook_id for delivery in self.deliveries)

    def wait_for(self, predicate: Callable[[Receiver], bool], *, timeout: float = 20.0) -> None:
        """Wait until ``predicate`` holds (a real server delivers in the background)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return
            time.sleep(0.05)
        raise AssertionError(f"the receiver did not get what was expected; verified: {self.types()}")

    def wait_for_types(self, *types: str, timeout: float = 20.0) -> list[dict[str, Any]]:
        """Wait until verified events of each of these types have arrived; return every verified event
        of these types."""
        self.wait_for(lambda receiver: all(t in receiver.types() for t in types), timeout=timeout)
        with self.lock:
            return [payload for payload in self.verified if payload["type"] in types]


@contextmanager
def receiver(path: str = "/hooks") -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1 (a free port) until the block ends."""
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            status, extra = holder[0].handle({k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder.append(Receiver(url=f"http://127.0.0.1:{server.server_address[1]}{path}"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
