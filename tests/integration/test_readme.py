"""README.md's quickstart, run as a new user would run it, so that it cannot rot.

The marked blocks (``<!-- run: NAME -->``, see support.markdown) run in document order, in a scratch
directory standing for the user's clone after the install step: ``.venv`` there is this test's own
environment (the install itself, ``pip install . ./sdk``, is what this environment already did), and
nothing of the outer shell's ``LINKVAULT_*`` settings is passed on, so ``linkvault serve`` runs on its
embedded defaults exactly as on a fresh machine.

What a user does by hand is simulated, and only that:
- the terminals: shell blocks run in bash one after another, each starting with the environment the
  previous one left (what ``export`` keeps in a terminal); ``serve`` runs in the background;
- the ports: the README's 8000 (linkvault) becomes a free port, and its test authorization server at
  ``http://127.0.0.1:9000`` is the session's test provider (the same ``tests/oidc_provider/server.mjs``,
  started by the ``oidc_provider`` fixture with ``PORT`` and ``ISSUER`` as the README says);
- the browser: when ``quickstart.py`` prints the authorization URL and waits, the test provider's login
  and consent pages are driven (``OidcProvider.authorize``, as a browser submitting the forms), the
  provider's redirect back to linkvault's callback is requested as the browser would, and Enter is
  pressed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from support.markdown import Block, runnable_blocks
from support.server import free_port, outer_env

if TYPE_CHECKING:
    from support.oidc import OidcProvider

README = Path(__file__).resolve().parents[2] / "README.md"
STEP_TIMEOUT_SECONDS = 120.0


def test_the_runnable_blocks_are_the_quickstart_in_order() -> None:
    assert list(runnable_blocks(README)) == [
        "serve", "project", "provider-client", "link-sync", "token-async", "token-curl",
    ]  # fmt: skip


class Session:
    """A user's terminals in one directory: the environment ``export`` left behind, carried on."""

    def __init__(self, clone: Path, state: Path, substitutions: dict[str, str]) -> None:
        self.clone = clone
        self.state = state
        self.substitutions = substitutions
        self.watchdogs: list[threading.Timer] = []
        self.processes: list[subprocess.Popen[str]] = []
        venv_bin = Path(sys.executable).parent
        self.env = {
            **outer_env(),
            "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
            "PYTHONUNBUFFERED": "1",
        }

    def code(self, block: Block) -> str:
        code = block.code
        for literal, actual in self.substitutions.items():
            code = code.replace(literal, actual)
        return code

    def shell(self, block: Block) -> str:
        """Run a shell block to its end; answers its output and keeps its exports."""
        assert block.language == "sh", block.name
        env_file = self.state / f"{block.name}.env"
        script = f"set -eo pipefail\n{self.code(block)}\nenv -0 > '{env_file}'\n"
        result = subprocess.run(
            ["bash", "-c", script], cwd=self.clone, env=self.env, capture_output=True, text=True,
            timeout=STEP_TIMEOUT_SECONDS, check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"{block.name} failed:\n{result.stdout}\n{result.stderr}"
        # A step that names a variable linkvault would warn about (LINKVAULT_* that is no setting)
        # teaches the reader to ignore warnings.
        assert "warning" not in result.stderr, f"{block.name} warned:\n{result.stderr}"
        self.env = dict(item.split("=", 1) for item in env_file.read_text().split("\0") if item)
        return result.stdout

    def python(self, block: Block, file_name: str) -> subprocess.Popen[str]:
        """Save a Python block under the name the README gives it and start ``python <file>``."""
        assert block.language == "python", block.name
        (self.clone / file_name).write_text(self.code(block))
        process = subprocess.Popen(
            ["bash", "-c", f"python {file_name}"], cwd=self.clone, env=self.env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        # A step that hangs fails the test instead of stalling it.
        watchdog = threading.Timer(STEP_TIMEOUT_SECONDS, process.kill)
        watchdog.daemon = True
        watchdog.start()
        self.watchdogs.append(watchdog)
        self.processes.append(process)
        return process

    def close(self) -> None:
        """Stop what is still running (a failed step's script waiting for Enter)."""
        for watchdog in self.watchdogs:
            watchdog.cancel()
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.communicate()

    def background(self, block: Block, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen(
                ["bash", "-c", self.code(block)], cwd=self.clone, env=self.env, stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip


def ended(process: subprocess.Popen[str]) -> str:
    """What a failed step wrote (it is stopped first if it still waits)."""
    if process.poll() is None:
        process.kill()
    out, err = process.communicate()
    return f"exit status {process.returncode}\n{out}\n{err}"


def wait_until_healthy(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"linkvault serve exited:\n{log.read_text()}"
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"linkvault serve did not answer:\n{log.read_text()}")


def stop(server: subprocess.Popen[bytes]) -> None:
    # The block's bash and the linkvault it started are one process group of their own.
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_the_quickstart_links_an_account_and_gets_a_fresh_token(
    tmp_path: Path, oidc_provider: OidcProvider
) -> None:
    missing = [tool for tool in ("bash", "curl") if shutil.which(tool) is None]
    assert missing == [], f"the README's shell steps need {missing}"
    blocks = runnable_blocks(README)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    substitutions = {
        "127.0.0.1:8000": f"127.0.0.1:{port}",
        "--port 8000": f"--port {port}",
        "http://127.0.0.1:9000": oidc_provider.issuer,
    }
    for literal in substitutions:
        assert any(literal in block.code for block in blocks.values()), f"the README no longer says {literal}"
    clone, state = tmp_path / "clone", tmp_path / "state"
    clone.mkdir()
    state.mkdir()
    (clone / ".venv").symlink_to(sys.prefix)
    session = Session(clone, state, substitutions)

    # 1. Serve.
    log = state / "serve.log"
    server = session.background(blocks["serve"], log)
    try:
        wait_until_healthy(base_url, server, log)

        # 2. A project and its key; 3. a client at the test authorization server.
        session.shell(blocks["project"])
        assert session.env["LV_URL"] == base_url
        assert session.env["LV_API_KEY"].startswith("lvk_")
        session.shell(blocks["provider-client"])
        assert session.env["PROVIDER_ISSUER"] == oidc_provider.issuer
        client_id = session.env["CLIENT_ID"]
        assert client_id and session.env["CLIENT_SECRET"]

        # 4. Link: quickstart.py waits for the user's consent in the browser.
        quickstart = session.python(blocks["link-sync"], "quickstart.py")
        assert quickstart.stdout is not None
        shown = [quickstart.stdout.readline() for _ in range(3)]
        assert shown[0].startswith("configured demo at " + oidc_provider.authorization_endpoint), ended(
            quickstart
        )
        assert shown[1] == "Open this URL in your browser, log in and consent:\n", ended(quickstart)
        authorization_url = shown[2].strip()
        assert authorization_url.startswith(oidc_provider.authorization_endpoint + "?"), ended(quickstart)

        back_to_linkvault = oidc_provider.authorize(authorization_url, login="user-1-at-provider")
        assert back_to_linkvault.startswith(f"{base_url}/v1/linked-accounts/oauth2/callback?")
        browser = httpx.get(back_to_linkvault, timeout=30)
        assert browser.status_code == 200, browser.text
        assert browser.json()["linked_account_owner_id"] == "user-1"

        out, err = quickstart.communicate("\n", timeout=STEP_TIMEOUT_SECONDS)
        assert quickstart.returncode == 0, f"{out}\n{err}"
        account_id = browser.json()["id"]
        assert re.search(rf"linked account {account_id} is active; token expires at 20\d\d-", out), out

        # 5. A fresh token, async and with curl.
        fresh = session.python(blocks["token-async"], "fresh_token.py")
        out, err = fresh.communicate(timeout=STEP_TIMEOUT_SECONDS)
        assert fresh.returncode == 0, f"{out}\n{err}"
        assert out == "user-1: Bearer token no. 1\n"

        credentials = json.loads(session.shell(blocks["token-curl"]))
        assert credentials["access_token"] == oidc_provider.last_token_response(client_id)["access_token"]
        assert credentials["token_type"] == "Bearer"
    finally:
        session.close()
        stop(server)
