"""The `linkvault` command as a new user runs it: settings from the environment and `.env`."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import run_linkvault
from support.server import RunningServer, outer_env


def test_an_invalid_setting_stops_every_command_naming_the_variable(tmp_path: Path):
    env = {**outer_env(), "LINKVAULT_STATE_TTL_SECONDS": "-1"}
    for args in [("serve",), ("config", "check"), ("projects", "list")]:
        result = run_linkvault(*args, env=env, cwd=tmp_path)

        assert result.returncode == 1, args
        assert result.stderr.splitlines() == [
            "linkvault: invalid configuration: LINKVAULT_STATE_TTL_SECONDS: Input should be greater than 0"
        ]
    assert not (tmp_path / "linkvault.db").exists()


def test_a_database_url_query_asyncpg_would_not_take_stops_every_command_in_one_line(tmp_path: Path):
    """It was a TypeError traceback from asyncpg.connect, at the first connection of every command."""
    for query in ("bogus=1", "sslmode=verify"):
        url = f"postgresql+asyncpg://linkvault:hunter2@127.0.0.1:1/linkvault?{query}"
        env = {**outer_env(), "LINKVAULT_DATABASE_URL": url, "LINKVAULT_ENCRYPTION_KEYS": "unused"}
        for args in [("serve",), ("config", "check"), ("projects", "list"), ("db", "upgrade")]:
            result = run_linkvault(*args, env=env, cwd=tmp_path)

            assert result.returncode == 1, args
            [line] = result.stderr.splitlines()
            name = query.partition("=")[0]
            assert line.startswith(
                f"linkvault: invalid configuration: LINKVAULT_DATABASE_URL: the query parameter {name} "
            ), (args, line)


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
        "this line is not a variable\n"
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
    # Said once, though the file is read twice (the settings, then the check for unknown names).
    assert checked.stderr.count("could not parse statement starting at line 4") == 1, checked.stderr
    assert not (tmp_path / "linkvault.db").exists()


def test_config_check_prints_the_settings_with_secrets_masked(
    linkvault_server: RunningServer, tmp_path: Path
):
    result = run_linkvault("config", "check", env=linkvault_server.env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert linkvault_server.env["LINKVAULT_ENCRYPTION_KEYS"] not in result.stdout
    assert "LINKVAULT_ENCRYPTION_KEYS" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("configuration is valid; the database is reachable")


def test_config_check_says_a_database_does_not_exist_yet_and_creates_nothing(tmp_path: Path):
    env = outer_env()

    text = run_linkvault("config", "check", env=env, cwd=tmp_path)
    as_json = run_linkvault("config", "check", "--json", env=env, cwd=tmp_path)

    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[-1] == (
        "configuration is valid; there is no database at linkvault.db yet "
        "(`linkvault db upgrade` or `linkvault serve` creates it)"
    )
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["database"] == {"reachable": False, "schema_current": False}
    assert list(tmp_path.iterdir()) == []
