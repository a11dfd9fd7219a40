"""The `linkvault` command as a new user runs it: the database it opens, migrates or cannot reach.

(Split from test_cli.py so that the two test workers share these slow, process-starting tests.)"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from support.cli import run_linkvault, run_linkvault_process
from support.databases import fresh_database
from support.server import ServerFactory, free_port, linkvault_env, outer_env


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


def test_a_database_restored_without_its_key_file_is_refused_and_no_key_is_made(tmp_path: Path):
    env = outer_env()
    assert run_linkvault("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    assert run_linkvault("projects", "create", "acme", env=env, cwd=tmp_path).returncode == 0
    (tmp_path / "linkvault.db.key").unlink()

    listed = run_linkvault("projects", "list", env=env, cwd=tmp_path)

    assert listed.returncode == 1
    assert listed.stderr.splitlines() == [
        "linkvault: the database linkvault.db exists without its key file linkvault.db.key: restore that "
        "file, or set LINKVAULT_ENCRYPTION_KEYS to the key its secrets were encrypted with"
    ]
    assert not (tmp_path / "linkvault.db.key").exists()


def test_a_server_database_without_encryption_keys_is_refused(tmp_path: Path):
    env = linkvault_env(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none", encryption_keys="")
    del env["LINKVAULT_ENCRYPTION_KEYS"]

    result = run_linkvault("db", "upgrade", env=env, cwd=tmp_path)

    assert result.returncode == 1
    assert "LINKVAULT_ENCRYPTION_KEYS is required" in result.stderr


def test_commands_other_than_serve_and_upgrade_leave_a_stale_schema_alone(tmp_path: Path):
    env = outer_env()

    missing = run_linkvault("projects", "create", "acme", env=env, cwd=tmp_path)
    left_behind = list(tmp_path.iterdir())
    sqlite3.connect(tmp_path / "linkvault.db").close()  # an empty database: a schema far behind
    created = run_linkvault("projects", "create", "acme", env=env, cwd=tmp_path)

    assert missing.returncode == 1
    assert missing.stderr.splitlines() == [
        "linkvault: there is no database at linkvault.db; run `linkvault db upgrade` first (it creates it)"
    ]
    assert created.returncode == 1
    assert created.stderr.splitlines() == [
        "linkvault: the database schema is not current; run `linkvault db upgrade` first"
    ]
    assert left_behind == []
    upgraded = run_linkvault("db", "upgrade", env=env, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    again = run_linkvault("db", "upgrade", env=env, cwd=tmp_path)
    # What was done, and that nothing was left to do the second time.
    (newest,) = re.fullmatch(
        r"database upgraded from an empty database to revision (\w+)\n", upgraded.stdout
    ).groups()
    assert again.stdout == f"database is up to date (revision {newest})\n"
    assert run_linkvault("projects", "create", "acme", env=env, cwd=tmp_path).returncode == 0


def test_a_database_a_newer_linkvault_migrated_is_one_line_and_left_alone(tmp_path: Path):
    """Between upgrading the database and the last replica (docs/upgrading.md), or after a downgrade
    without the backup, this version meets a revision it does not ship: every command says so in one
    line and exits 1, and `serve` and `db upgrade` change nothing."""
    env = outer_env()
    assert run_linkvault("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "linkvault.db") as database:
        database.execute("UPDATE alembic_version SET version_num = '0099'")

    for args in [
        ("db", "upgrade"),
        ("config", "check"),
        ("projects", "list"),
        ("serve", "--port", str(free_port())),
    ]:
        result = run_linkvault(*args, env=env, cwd=tmp_path)

        assert result.returncode == 1, (args, result.stdout)
        [line] = result.stderr.splitlines()
        assert line.startswith(
            "linkvault: the database schema is at revision 0099, which this linkvault does not know (its newest is "
        ), args
        assert "run that version, or restore the backup taken before the upgrade" in line
    with sqlite3.connect(tmp_path / "linkvault.db") as database:
        assert database.execute("SELECT version_num FROM alembic_version").fetchall() == [("0099",)]


def test_replicas_starting_together_migrate_one_after_the_other(tmp_path: Path, encryption_key: str):
    with fresh_database(os.environ.get("LINKVAULT_TEST_DATABASE_URL"), tmp_path) as database_url:
        env = linkvault_env(database_url=database_url, encryption_keys=encryption_key)
        with ThreadPoolExecutor(3) as pool:
            upgrades = list(pool.map(lambda _: run_linkvault_process("db", "upgrade", env=env), range(3)))

        assert [upgrade.returncode for upgrade in upgrades] == [0, 0, 0], [u.stderr for u in upgrades]
        created = run_linkvault("projects", "create", "after-upgrade", env=env)
        assert created.returncode == 0, created.stderr


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


def test_serve_on_a_port_in_use_ends_in_one_line_and_status_1(tmp_path: Path):
    """uvicorn logs why it cannot listen and exits with its own status 3; linkvault adds its one line
    and exits 1, as for any expected failure (README: "one line on stderr and exit status 1")."""
    env = outer_env()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_linkvault("serve", "--port", str(port), env=env, cwd=tmp_path, timeout=60)

    assert result.returncode == 1, result.stderr
    assert "address already in use" in result.stderr
    assert (
        result.stderr.splitlines()[-1]
        == f"linkvault: could not serve on 127.0.0.1:{port} (the line above says why)"
    )
