"""Runs linkvault as a real server process (``python -m linkvault serve``) on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

START_TIMEOUT_SECONDS = 60.0


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


def linkvault_env(
    *, database_url: str, encryption_keys: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of a linkvault process: the test's own settings, none from the outer shell."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LINKVAULT_")}
    env.update(LINKVAULT_DATABASE_URL=database_url, LINKVAULT_ENCRYPTION_KEYS=encryption_keys)
    env.update(extra or {})
    return env


def start_server(
    *,
    database_url: str,
    encryption_keys: str,
    log_path: Path,
    extra_env: dict[str, str] | None = None,
    log_level: str = "info",
) -> RunningServer:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = linkvault_env(
        database_url=database_url,
        encryption_keys=encryption_keys,
        extra={"LINKVAULT_PUBLIC_URL": base_url, **(extra_env or {})},
    )
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "linkvault", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", log_level],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
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
