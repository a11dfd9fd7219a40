"""The `linkvault` command as a new user runs it: projects, keys, accounts and events."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import httpx
import pytest

from support.cli import run_linkvault
from support.faces import callback_path
from support.flows import consent, start_link
from support.projects import Project
from support.server import RunningServer, outer_env


def test_projects_and_api_keys_are_managed_from_the_command_line(linkvault_server: RunningServer):
    env = linkvault_server.env
    created = run_linkvault("projects", "create", "acme", "--json", env=env)
    assert created.returncode == 0, created.stderr
    project = json.loads(created.stdout)
    added = run_linkvault("api-keys", "create", project["id"], "--json", env=env)
    assert added.returncode == 0, added.stderr
    second = json.loads(added.stdout)

    def status(key: str) -> int:
        return httpx.get(
            f"{linkvault_server.base_url}/v1/app-configurations", headers={"X-API-KEY": key}
        ).status_code

    assert status(project["api_key"]) == 200
    assert status(second["api_key"]) == 200
    assert second["project_id"] == project["id"]

    revoked = run_linkvault("api-keys", "revoke", second["id"], env=env)

    assert revoked.returncode == 0, revoked.stderr
    assert status(second["api_key"]) == 401
    assert status(project["api_key"]) == 200


def _uuid() -> str:
    return str(uuid.uuid4())


def test_projects_and_keys_are_listed_without_secrets(linkvault_server: RunningServer):
    env = linkvault_server.env
    project = json.loads(run_linkvault("projects", "create", "listed", "--json", env=env).stdout)
    second = json.loads(run_linkvault("api-keys", "create", project["id"], "--json", env=env).stdout)
    assert run_linkvault("api-keys", "revoke", second["id"], env=env).returncode == 0

    projects = run_linkvault("projects", "list", "--json", env=env)
    keys = run_linkvault("api-keys", "list", project["id"], "--json", env=env)

    assert projects.returncode == 0, projects.stderr
    assert {"id": project["id"], "name": "listed"} in [
        {"id": p["id"], "name": p["name"]} for p in json.loads(projects.stdout)
    ]
    assert keys.returncode == 0, keys.stderr
    listed = json.loads(keys.stdout)
    assert len(listed) == 2 and listed[1]["id"] == second["id"]
    assert listed[0]["revoked_at"] is None and listed[1]["revoked_at"] is not None
    assert set(listed[0]) == {"id", "project_id", "created_at", "revoked_at"}
    assert project["api_key"] not in keys.stdout and second["api_key"] not in keys.stdout


@pytest.mark.parametrize("name", ["bad\x01name", "two\nlines", "tab\there", "esc\x1b[2J"])
def test_a_project_name_with_a_control_character_is_refused(linkvault_server: RunningServer, name: str):
    """A project name is printed to terminals and logs, where a control character would move the
    cursor, clear the screen or forge a line."""
    env = linkvault_server.env
    before = run_linkvault("projects", "list", "--json", env=env).stdout

    result = run_linkvault("projects", "create", name, "--json", env=env)

    assert result.returncode == 1
    assert result.stderr.splitlines() == ["linkvault: a project name must not hold control characters"]
    assert run_linkvault("projects", "list", "--json", env=env).stdout == before


def test_unknown_ids_are_one_line_without_a_traceback(linkvault_server: RunningServer):
    env = linkvault_server.env
    missing = _uuid()
    for args, message in [
        (("api-keys", "create", missing), f"linkvault: no such project: {missing}"),
        (("api-keys", "list", missing), f"linkvault: no such project: {missing}"),
        (("api-keys", "revoke", missing), f"linkvault: no such active API key: {missing}"),
        (("accounts", "list", "--project", missing), f"linkvault: no such project: {missing}"),
        (("accounts", "show", missing), f"linkvault: no such linked account: {missing}"),
    ]:
        result = run_linkvault(*args, env=env)

        assert result.returncode == 1, args
        assert result.stderr.splitlines() == [message]


def test_accounts_are_listed_and_shown_without_tokens(
    linkvault_server: RunningServer, api: httpx.Client, project: Project, make_app
):
    env = linkvault_server.env
    app = make_app(project)
    account = api.get(callback_path(consent(app, start_link(api, app, owner="cli-owner")))).json()
    token = api.get(f"/v1/linked-accounts/{account['id']}/credentials", headers=project.headers).json()

    listed = run_linkvault("accounts", "list", "--project", project.id, "--json", env=env)
    shown = run_linkvault("accounts", "show", account["id"], "--json", env=env)
    text = run_linkvault("accounts", "show", account["id"], env=env)
    by_owner = run_linkvault(
        "accounts",
        "list",
        "--project",
        project.id,
        "--owner",
        "cli-owner",
        "--app",
        app.app_name,
        "--json",
        env=env,
    )
    disabled = run_linkvault(
        "accounts", "list", "--project", project.id, "--status", "disabled", "--json", env=env
    )

    for result in (listed, shown, text, by_owner, disabled):
        assert result.returncode == 0, result.stderr
        assert token["access_token"] not in result.stdout
    assert json.loads(shown.stdout) == account
    assert json.loads(listed.stdout) == [account]
    assert json.loads(by_owner.stdout) == [account]
    assert json.loads(disabled.stdout) == []
    assert "id:" in text.stdout and account["id"] in text.stdout


def test_events_are_listed_as_the_api_lists_them(
    linkvault_server: RunningServer, api: httpx.Client, project: Project, make_app
):
    env = linkvault_server.env
    app = make_app(project)
    account = api.get(callback_path(consent(app, start_link(api, app, owner="cli-events")))).json()
    patched = api.patch(
        f"/v1/linked-accounts/{account['id']}", json={"enabled": False}, headers=project.headers
    )
    assert patched.status_code == 200, patched.text

    listed = run_linkvault("events", "list", "--project", project.id, "--json", env=env)
    disabled = run_linkvault(
        "events", "list", "--project", project.id, "--type", "linked_account.disabled", "--json", env=env
    )
    text = run_linkvault("events", "list", "--project", project.id, "--account", account["id"], env=env)
    first = run_linkvault("events", "list", "--project", project.id, "--limit", "1", "--json", env=env)

    for result in (listed, disabled, text, first):
        assert result.returncode == 0, result.stderr
    assert json.loads(listed.stdout) == api.get("/v1/events", headers=project.headers).json()
    assert [event["type"] for event in json.loads(listed.stdout)] == [
        "linked_account.created",
        "linked_account.disabled",
    ]
    assert [event["data"]["status"] for event in json.loads(disabled.stdout)] == ["disabled"]
    assert [line.split()[2] for line in text.stdout.splitlines()] == [
        "linked_account.created",
        "linked_account.disabled",
    ]
    assert json.loads(first.stdout) == json.loads(listed.stdout)[:1]


def test_a_reader_that_goes_away_stops_the_command_without_a_traceback(tmp_path):
    """``linkvault ... | head -1``: the pipe closes before the command has written all it had to say."""
    command = subprocess.Popen(
        [sys.executable, "-m", "linkvault", "keys", "generate"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=outer_env(), cwd=tmp_path,
    )  # fmt: skip
    assert command.stdout is not None and command.stderr is not None
    command.stdout.close()  # before the interpreter has even finished importing

    stderr = command.stderr.read().decode()
    status = command.wait(timeout=60)

    assert status == 1
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
