"""Runs linkvault as a real server process (``python -m linkvault serve``) on a free loopback port.

``start_server`` is the one start-up loop; a ``ServerFactory`` starts servers on the test database by
default and stops every one it started (the ``server_factory`` and ``session_servers`` fixtures).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

__all__ = ["RunningServer", "ServerFactory", "free_port", "linkvault_env", "outer_env", "start_server"]

# Generous: on a loaded 2-core machine, importing Connexion and loading the spec has taken 20 s, and
# several workers (`--workers N`) start one after another.
START_TIMEOUT_SECONDS = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    base_url: str
    env: dict[str, str] = field(repr=False)
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def outer_env() -> dict[str, str]:
    """This process's environment without any LINKVAULT_ setting: a linkvault started with it runs on
    its embedded defaults."""
    return {name: value for name, value in os.environ.items() if not name.startswith("LINKVAULT_")}


def linkvault_env(
    *, database_url: str, encryption_keys: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of a linkvault process: the test's own settings, none from the outer shell."""
    env = outer_env()
    env.update(LINKVAULT_DATABASE_URL=database_url, LINKVAULT_ENCRYPTION_KEYS=encryption_keys)
    env.update(extra or {})
    return env


def start_server(
    *,
    log_path: Path,
    database_url: str | None = None,
    encryption_keys: str | None = None,
    extra_env: Mapping[str, str] | None = None,
    log_level: str = "info",
    cwd: Path | None = None,
    serve_args: Sequence[str] = (),
) -> RunningServer:
    """Start ``linkvault serve`` (with ``serve_args`` added, e.g. ``--workers 2``) and wait until it
    answers. Without ``database_url`` it runs on its embedded default (an SQLite file in ``cwd``, the
    key beside it) and no LINKVAULT_ setting at all."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    if database_url is None:
        env = {**outer_env(), **(extra_env or {})}
    else:
        env = linkvault_env(
            database_url=database_url,
            encryption_keys=encryption_keys or "",
            extra={"LINKVAULT_PUBLIC_URL": base_url, **(extra_env or {})},
        )
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "linkvault", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", log_level, *serve_args],
        env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    log.close()
    server = RunningServer(base_url=base_url, env=env, log_path=log_path, process=process)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"linkvault exited with {process.returncode}:\n{server.log_text()}")
        try:
            if httpx.get(base_url + "/openapi.json", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"linkvault did not start in {START_TIMEOUT_SECONDS} s:\n{server.log_text()}")


class ServerFactory:
    """Starts linkvault servers, on the test database and key unless told otherwise, each logging to
    ``<log_dir>/<name>.log``; a context manager that stops every server it started."""

    def __init__(self, *, database_url: str, encryption_keys: str, log_dir: Path) -> None:
        self.database_url = database_url
        self.encryption_keys = encryption_keys
        self.log_dir = log_dir
        self._started: list[RunningServer] = []

    def sibling(self, log_dir: Path) -> ServerFactory:
        """A factory with the same defaults and servers of its own, logging to ``log_dir``."""
        return ServerFactory(
            database_url=self.database_url, encryption_keys=self.encryption_keys, log_dir=log_dir
        )

    def start(
        self,
        name: str = "linkvault",
        *,
        database_url: str | None = None,
        encryption_keys: str | None = None,
        extra_env: Mapping[str, str] | None = None,
        log_level: str = "info",
        serve_args: Sequence[str] = (),
    ) -> RunningServer:
        log_path = self.log_dir / f"{name}.log"
        if log_path.exists():
            log_path = self.log_dir / f"{name}-{len(self._started)}.log"
        server = start_server(
            database_url=database_url or self.database_url,
            encryption_keys=encryption_keys or self.encryption_keys,
            log_path=log_path,
            # The tests' webhook receivers are on loopback, and any server on a database may send any
            # of its deliveries: every server the tests start allows them, or one that did not would
            # refuse another test's delivery (the default policy is tested in-process).
            extra_env={"LINKVAULT_WEBHOOKS_ALLOW_PRIVATE": "true", **(extra_env or {})},
            log_level=log_level,
            serve_args=serve_args,
        )
        self._started.append(server)
        return server

    def start_embedded(self, name: str, *, cwd: Path) -> RunningServer:
        """A server on the embedded default in ``cwd``, with no LINKVAULT_ setting, as a new user runs it."""
        server = start_server(log_path=self.log_dir / f"{name}.log", cwd=cwd)
        self._started.append(server)
        return server

    def stop_all(self) -> None:
        for server in self._started:
            server.stop()

    def __enter__(self) -> ServerFactory:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_all()
