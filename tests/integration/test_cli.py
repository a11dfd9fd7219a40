"""The `linkvault` command as a new user runs it."""

from __future__ import annotations

import json
import os
import stat
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from support.cli import run_linkvault
from support.databases import fresh_database
from support.faces import callback_path
from support.flows import consent, start_link
from support.projects import Project
from support.server import RunningServer, ServerFactory, free_port, linkvault_env, outer_env


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


def test_serve_on_the_embedded_default_keeps_a_private_key_beside_the_database(
    tmp_path: Path, server_factory: ServerFactory
):
    server = server_factory.start_embedded("embedded", cwd=tmp_path)
    try:
        spec = httpx.get(f"{server.base_url}/openapi.json", timeout=10)
        assert spec.status_code == 200
        assert spec.json()["info"]["title"] == "linkvault"
    finally:
        server.stop()

    key_file = tmp_path / "linkvault.db.key"
    assert (tmp_path / "linkvault.db").exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    created = run_linkvault("projects", "create", "again", "--json", env=server.env, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert key_file.read_text() == key


def test_a_server_database_without_encryption_keys_is_refused(tmp_path: Path):
    env = linkvault_env(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none", encryption_keys="")
    del env["LINKVAULT_ENCRYPTION_KEYS"]

    result = run_linkvault("db", "upgrade", env=env, cwd=tmp_path)

    assert result.returncode == 1
    assert "LINKVAULT_ENCRYPTION_KEYS is required" in result.stderr


def test_commands_other_than_serve_and_upgrade_leave_a_stale_schema_alone(tmp_path: Path):
    env = outer_env()

    created = run_linkvault("projects", "create", "acme", env=env, cwd=tmp_path)

    assert created.returncode == 1
    assert "linkvault db upgrade" in created.stderr
    assert "Traceback" not in created.stderr
    upgraded = run_linkvault("db", "upgrade", env=env, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert run_linkvault("projects", "create", "acme", env=env, cwd=tmp_path).returncode == 0


def test_replicas_starting_together_migrate_one_after_the_other(tmp_path: Path, encryption_key: str):
    with fresh_database(os.environ.get("LINKVAULT_TEST_DATABASE_URL"), tmp_path) as database_url:
        env = linkvault_env(database_url=database_url, encryption_keys=encryption_key)
        with ThreadPoolExecutor(3) as pool:
            upgrades = list(pool.map(lambda _: run_linkvault("db", "upgrade", env=env), range(3)))

        assert [upgrade.returncode for upgrade in upgrades] == [0, 0, 0], [u.stderr for u in upgrades]
        created = run_linkvault("projects", "create", "after-upgrade", env=env)
        assert created.returncode == 0, created.stderr


def _uuid() -> str:
    return str(uuid.uuid4())


def test_an_unreachable_database_is_one_line_without_a_traceback(tmp_path: Path, encryption_key: str):
    closed_port = free_port()
    env = linkvault_env(
        database_url=f"postgresql+asyncpg://linkvault:hunter2@127.0.0.1:{closed_port}/linkvault",
        encryption_keys=encryption_key,
    )
    for args in [("projects", "list"), ("db", "upgrade"), ("config", "check")]:
        result = run_linkvault(*args, env=env, cwd=tmp_path)

        assert result.returncode == 1, args
        assert result.stderr.splitlines() == [
            f"linkvault: cannot connect to the database at postgresql+asyncpg://linkvault:***@127.0.0.1:{closed_port}"
            f"/linkvault: [Errno 111] Connect call failed ('127.0.0.1', {closed_port})"
        ]


def test_an_invalid_setting_stops_every_command_naming_the_variable(tmp_path: Path):
    env = {**outer_env(), "LINKVAULT_STATE_TTL_SECONDS": "-1"}
    for args in [("serve",), ("config", "check"), ("projects", "list")]:
        result = run_linkvault(*args, env=env, cwd=tmp_path)

        assert result.returncode == 1, args
        assert result.stderr.splitlines() == [
            "linkvault: invalid configuration: LINKVAULT_STATE_TTL_SECONDS: Input should be greater than 0"
        ]
    assert not (tmp_path / "linkvault.db").exists()


def test_an_unknown_variable_is_warned_about(linkvault_server: RunningServer, tmp_path: Path):
    env = {**linkvault_server.env, "LINKVAULT_FOO": "1", "LINKVAULT_STATE_TTL_SECOND": "60"}

    result = run_linkvault("projects", "list", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "linkvault: warning: LINKVAULT_FOO is not a linkvault setting and is ignored",
        "linkvault: warning: LINKVAULT_STATE_TTL_SECOND is not a linkvault setting and is ignored "
        "(did you mean LINKVAULT_STATE_TTL_SECONDS?)",
    ]


def test_settings_are_read_from_a_dot_env_file(linkvault_server: RunningServer, tmp_path: Path):
    env = outer_env()
    server_env = linkvault_server.env
    (tmp_path / ".env").write_text(
        f"LINKVAULT_DATABASE_URL={server_env['LINKVAULT_DATABASE_URL']}\n"
        f"LINKVAULT_ENCRYPTION_KEYS={server_env['LINKVAULT_ENCRYPTION_KEYS']}\n"
        "LINKVAULT_STATE_TTL_SECONDS=42\n"
        "LINKVAULT_TYPO=1\n"
    )

    checked = run_linkvault("config", "check", "--json", env=env, cwd=tmp_path)

    assert checked.returncode == 0, checked.stderr
    shown = json.loads(checked.stdout)
    assert shown["settings"]["LINKVAULT_STATE_TTL_SECONDS"] == 42
    assert shown["settings"]["LINKVAULT_ENCRYPTION_KEYS"] == "***"
    assert server_env["LINKVAULT_ENCRYPTION_KEYS"] not in checked.stdout
    assert shown["database"] == {"reachable": True, "schema_current": True}
    assert "LINKVAULT_TYPO is not a linkvault setting" in checked.stderr
    assert not (tmp_path / "linkvault.db").exists()


def test_config_check_prints_the_settings_with_secrets_masked(
    linkvault_server: RunningServer, tmp_path: Path
):
    result = run_linkvault("config", "check", env=linkvault_server.env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert linkvault_server.env["LINKVAULT_ENCRYPTION_KEYS"] not in result.stdout
    assert "LINKVAULT_ENCRYPTION_KEYS" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("configuration is valid; the database is reachable")


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
