"""The ``linkvault`` command.

Every command is one ``_Command`` in ``_COMMANDS``: its words, its one-line summary, an example, its
arguments and what it runs. The parser, the list of commands in ``linkvault --help`` and each command's
own ``--help`` are all built from that table.

An expected failure (bad settings, an unreachable database, an unknown id) is one line on stderr and
exit status 1; a usage error is one line and status 2. Only a bug shows a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import logging
import logging.config
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, Protocol

from linkvault import logs
from linkvault.engine import api_keys, encryption_keys, events, housekeeping, linked_accounts, projects
from linkvault.engine.egress import is_loopback
from linkvault.engine.services import Services, open_services
from linkvault.errors import ConfigurationError, LinkvaultError
from linkvault.settings import ENV_PREFIX, Settings, effective_settings, load_settings, unknown_variables
from linkvault.store.crypto import generate_key
from linkvault.store.database import check_connection, sqlite_path
from linkvault.store.migrate import SchemaStatus, newer_schema_message, schema_status, upgrade

__all__ = ["main"]

_PROG = "linkvault"
# prometheus-client's variable (linkvault.metrics.MULTIPROCESS_VARIABLE; not imported from there, so
# that this process does not load prometheus-client before the variable is set).
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_LOG_LEVELS = ["critical", "error", "warning", "info", "debug"]
_ACCOUNT_PAGE = 500
_WORKER_HEALTHCHECK_SECONDS = 60


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line (and exit status 2), not the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


@dataclass(frozen=True)
class _Command:
    words: tuple[str, ...]
    summary: str
    example: str
    run: Callable[[Settings, argparse.Namespace], None]
    arguments: Callable[[argparse.ArgumentParser], None] = lambda _parser: None
    # `keys generate` needs neither settings nor a database.
    needs_settings: bool = True


def _json_flag(what: str) -> Callable[[argparse.ArgumentParser], None]:
    def add(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help=f"print {what} as JSON")

    return add


def _both(*adders: Callable[[argparse.ArgumentParser], object]) -> Callable[[argparse.ArgumentParser], None]:
    def add(parser: argparse.ArgumentParser) -> None:
        for adder in adders:
            adder(parser)

    return add


def _uuid_argument(name: str, help_text: str) -> Callable[[argparse.ArgumentParser], None]:
    def add(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(name, type=uuid.UUID, metavar=name.upper(), help=help_text)

    return add


# --- running engine calls -------------------------------------------------------------------------


def _missing_database(settings: Settings) -> Path | None:
    """The SQLite file the settings name when it does not exist (None otherwise). Opening it would
    create an empty file, and a key beside it, for a command that only reads or checks: a misspelt
    path would leave strays behind. Only ``serve`` and ``db upgrade`` create the database."""
    database_file = sqlite_path(settings.database_url)
    return database_file if database_file is not None and not database_file.exists() else None


def _with_services(
    settings: Settings,
    work: Callable[[Services], Awaitable[Any]],
    *,
    migrate: bool = False,
    on_migrated: Callable[[frozenset[str], frozenset[str]], None] | None = None,
) -> Any:
    """Run ``work`` on open services. Only ``serve`` and ``db upgrade`` migrate (``migrate=True``;
    ``on_migrated`` hears the revisions before and after); every other command refuses a database
    whose schema is behind instead of changing it."""

    missing = _missing_database(settings)
    if not migrate and missing is not None:
        raise ConfigurationError(
            f"there is no database at {missing}; run `linkvault db upgrade` first (it creates it)"
        )

    async def run() -> Any:
        services = open_services(settings)
        try:
            await check_connection(services.db_engine)
            if migrate:
                before, after = await upgrade(services.db_engine)
                if on_migrated is not None:
                    on_migrated(before, after)
            else:
                status, stored = await schema_status(services.db_engine)
                if status == "newer":
                    raise ConfigurationError(newer_schema_message(stored))
                if status == "behind":
                    raise ConfigurationError(
                        "the database schema is not current; run `linkvault db upgrade` first"
                    )
            return await work(services)
        finally:
            await services.aclose()

    return asyncio.run(run())


def _print_json(body: Any) -> None:
    print(json.dumps(body, indent=2))


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# --- the commands ---------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return is_loopback(ipaddress.ip_address(host))
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def _served_url(host: str, port: int) -> str:
    """The URL a server listening on ``host`` (a name or an IP address) and ``port`` is reached at; an
    IPv6 address goes in brackets (RFC 3986 §3.2.2)."""
    try:
        if isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address):
            host = f"[{host}]"
    except ValueError:
        pass  # a host name
    return f"http://{host}:{port}"


# uvicorn.main.STARTUP_FAILURE: what uvicorn.run exits with when the server could not start.
_UVICORN_STARTUP_FAILURE = 3


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    if "public_url" not in settings.model_fields_set:
        settings = settings.model_copy(update={"public_url": _served_url(args.host, args.port)})
    if settings.public_url.startswith("http://") and not _is_loopback(args.host) and not args.insecure:
        # Tokens, codes and API keys would cross the network in clear (RFC 6749 §10.9, RFC 9700 §4.13).
        raise ConfigurationError(
            f"refusing to serve plain http on {args.host} (LINKVAULT_PUBLIC_URL is {settings.public_url}); "
            "set an https:// LINKVAULT_PUBLIC_URL behind a TLS proxy, or pass --insecure"
        )
    config = logs.log_config(log_format=settings.log_format, level=args.log_level.upper())
    logging.config.dictConfig(config)
    _with_services(settings, encryption_keys.verify_keys, migrate=True)
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "log_config": config,
        "proxy_headers": args.proxy_headers,
        "forwarded_allow_ips": args.forwarded_allow_ips,
        # asyncio's own loop, not uvloop (uvicorn's choice when installed): libuv accepts one new
        # connection per loop iteration (libuv#3696), so on a busy worker, whose iterations each serve
        # every open connection, a new client waited one whole round per connection ahead of it
        # (seconds at 128 connections; benchmarks/README.md). asyncio accepts every waiting connection
        # at once, at the same throughput in the benchmark.
        "loop": "asyncio",
    }
    if args.workers == 1:
        from linkvault.app import create_app_for_serving

        try:
            uvicorn.run(create_app_for_serving(settings), **options)
        except SystemExit as exc:
            # uvicorn's own exit when it could not start (its status 3, after an ERROR line saying why,
            # e.g. the port in use): an expected failure, so linkvault's one line and status 1.
            if exc.code != _UVICORN_STARTUP_FAILURE:
                raise
            raise ConfigurationError(
                f"could not serve on {args.host}:{args.port} (the line above says why)"
            ) from exc
        return
    # Each worker builds its own application from the environment (uvicorn needs an import string
    # for several), so what this process decided is handed over there.
    os.environ[ENV_PREFIX + "PUBLIC_URL"] = settings.public_url
    own_metrics_dir = None
    if settings.metrics_enabled and not os.environ.get(MULTIPROCESS_VARIABLE):
        # prometheus-client's multiprocess mode: each worker writes its values to files here, and a
        # scrape of any worker adds them all up. Private to this server, removed when it stops.
        own_metrics_dir = tempfile.mkdtemp(prefix="linkvault-metrics-")
        os.environ[MULTIPROCESS_VARIABLE] = own_metrics_dir
    try:
        uvicorn.run(
            "linkvault.app:create_app_from_env",
            factory=True,
            workers=args.workers,
            # uvicorn restarts a worker that does not answer its health check in time; a new worker
            # answers only once its imports are done, which on a busy host takes more than the 5 s
            # default.
            timeout_worker_healthcheck=_WORKER_HEALTHCHECK_SECONDS,
            **options,
        )
    finally:
        if own_metrics_dir is not None:
            # Gone with its directory: a process that goes on (a test calling main) must not hand a
            # removed directory to the next server it starts.
            os.environ.pop(MULTIPROCESS_VARIABLE, None)
            shutil.rmtree(own_metrics_dir, ignore_errors=True)


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65_536:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, not {value!r}")
    return int(value)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return int(value)


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--log-level", default="info", choices=_LOG_LEVELS, help="default info")
    parser.add_argument(
        "--workers",
        type=_positive,
        default=1,
        metavar="N",
        help="worker processes (default 1); /metrics adds up all of them",
    )
    parser.add_argument(
        "--proxy-headers",
        action="store_true",
        help="behind a TLS-terminating proxy: take the client address and scheme from "
        "X-Forwarded-For and X-Forwarded-Proto, when sent by --forwarded-allow-ips",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        metavar="IPS",
        help="comma-separated proxy addresses (or networks) whose X-Forwarded-* headers are trusted "
        "(default 127.0.0.1; '*' trusts any)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow a non-loopback --host with an http:// LINKVAULT_PUBLIC_URL (secrets in clear)",
    )


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> None:
    def report(before: frozenset[str], after: frozenset[str]) -> None:
        now = ", ".join(sorted(after))
        if before == after:
            print(f"database is up to date (revision {now})")
        else:
            print(
                f"database upgraded from {', '.join(sorted(before)) or 'an empty database'} to revision {now}"
            )

    _with_services(settings, lambda _services: asyncio.sleep(0), migrate=True, on_migrated=report)


def _db_prune(settings: Settings, args: argparse.Namespace) -> None:
    deleted = _with_services(settings, housekeeping.prune_link_states)
    if args.json:
        _print_json({"deleted": deleted})
    else:
        print(f"deleted {deleted} expired link states")


def _projects_create(settings: Settings, args: argparse.Namespace) -> None:
    created = _with_services(settings, lambda s: projects.create_project(s, name=args.name))
    _print_key(created, as_json={"id": str(created.project_id)} if args.json else None)


def _projects_list(settings: Settings, args: argparse.Namespace) -> None:
    found = _with_services(settings, projects.list_projects)
    rows = [{"id": str(p.id), "name": p.name, "created_at": _time(p.created_at)} for p in found]
    if args.json:
        _print_json(rows)
        return
    for row in rows:
        print(f"{row['id']}  {row['created_at']}  {row['name']}")


def _api_keys_create(settings: Settings, args: argparse.Namespace) -> None:
    created = _with_services(settings, lambda s: api_keys.create_api_key(s, project_id=args.project_id))
    body = {"id": str(created.key_id), "project_id": str(created.project_id)}
    _print_key(created, as_json=body if args.json else None)


def _api_keys_list(settings: Settings, args: argparse.Namespace) -> None:
    found = _with_services(settings, lambda s: api_keys.list_api_keys(s, project_id=args.project_id))
    rows = [
        {
            "id": str(key.key_id),
            "project_id": str(key.project_id),
            "created_at": _time(key.created_at),
            "revoked_at": _time(key.revoked_at),
        }
        for key in found
    ]
    if args.json:
        _print_json(rows)
        return
    for row in rows:
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        print(f"{row['id']}  created {row['created_at']}  {state}")


def _api_keys_revoke(settings: Settings, args: argparse.Namespace) -> None:
    _with_services(settings, lambda s: api_keys.revoke_api_key(s, key_id=args.key_id))
    print(f"revoked {args.key_id}")


def _keys_generate(_settings: Settings, _args: argparse.Namespace) -> None:
    print(generate_key())


def _keys_rotate(settings: Settings, args: argparse.Namespace) -> None:
    report = _with_services(settings, encryption_keys.rotate_keys)
    if args.json:
        _print_json(report.rows)
        return
    for table, count in report.rows.items():
        print(f"{table}: {count} rows re-encrypted")


class _Page(Protocol):
    @property
    def items(self) -> Sequence[Any]: ...
    @property
    def next_cursor(self) -> str | None: ...


async def _every_page(
    fetch: Callable[[str | None], Awaitable[_Page]],
    render: Callable[[Any], dict[str, Any]],
    *,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Each item of every page ``fetch(cursor)`` gives, ``render``ed, following the cursors (the first
    ``limit`` only, when given)."""
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await fetch(cursor)
        found.extend(render(item) for item in page.items)
        if page.next_cursor is None or (limit is not None and len(found) >= limit):
            return found if limit is None else found[:limit]
        cursor = page.next_cursor


def _accounts_list(settings: Settings, args: argparse.Namespace) -> None:
    async def every_page(services: Services) -> list[dict[str, Any]]:
        await projects.get_project(services, project_id=args.project)
        return await _every_page(
            lambda cursor: linked_accounts.list_linked_accounts(
                services,
                project_id=args.project,
                app_name=args.app,
                owner_id=args.owner,
                status=args.status,
                limit=_ACCOUNT_PAGE,
                cursor=cursor,
            ),
            linked_accounts.linked_account_public,
        )

    rows = _with_services(settings, every_page)
    if args.json:
        _print_json(rows)
        return
    for row in rows:
        print(f"{row['id']}  {row['status']:<12}  {row['app_name']}  {row['linked_account_owner_id']}")


def _accounts_list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", type=uuid.UUID, required=True, metavar="PROJECT_ID", help="the project")
    parser.add_argument("--app", metavar="APP_NAME", help="only accounts of this app")
    parser.add_argument("--owner", metavar="OWNER_ID", help="only accounts of this linked_account_owner_id")
    parser.add_argument("--status", choices=["active", "needs_reauth", "disabled"], help="only this status")
    _json_flag("an array of the accounts (LinkedAccountPublic)")(parser)


def _accounts_show(settings: Settings, args: argparse.Namespace) -> None:
    account = _with_services(
        settings,
        lambda s: linked_accounts.find_linked_account_anywhere(s, linked_account_id=args.account_id),
    )
    row = linked_accounts.linked_account_public(account)
    if args.json:
        _print_json(row)
        return
    width = max(map(len, row))
    for name, value in row.items():
        print(f"{name + ':':<{width + 1}} {'' if value is None else value}")


def _events_list(settings: Settings, args: argparse.Namespace) -> None:
    async def every_page(services: Services) -> list[dict[str, Any]]:
        await projects.get_project(services, project_id=args.project)
        return await _every_page(
            lambda cursor: events.list_events(
                services,
                project_id=args.project,
                event_type=args.type,
                linked_account_id=args.account,
                limit=_ACCOUNT_PAGE,
                cursor=cursor,
            ),
            events.envelope,
            limit=args.limit,
        )

    rows = _with_services(settings, every_page)
    if args.json:
        _print_json(rows)
        return
    for row in rows:
        data = row["data"]
        subject = data.get("linked_account_id") or data.get("linked_account_owner_id", "")
        print(f"{row['timestamp']}  {row['id']}  {row['type']:<28}  {subject}")


def _events_list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", type=uuid.UUID, required=True, metavar="PROJECT_ID", help="the project")
    parser.add_argument(
        "--type",
        choices=events.EVENT_TYPES,
        metavar="TYPE",
        help="only events of this type (e.g. link.failed)",
    )
    parser.add_argument(
        "--account", type=uuid.UUID, metavar="LINKED_ACCOUNT_ID", help="only events of this linked account"
    )
    parser.add_argument("--limit", type=_positive, metavar="N", help="at most N events (the oldest first)")
    _json_flag("an array of the events (Event: id, type, timestamp, data)")(parser)


def _config_check(settings: Settings, args: argparse.Namespace) -> None:
    # Not _with_services: a schema that is behind is reported here (serve would migrate it), not refused.
    async def check() -> SchemaStatus:
        services = open_services(settings)
        try:
            await check_connection(services.db_engine)
            status, stored = await schema_status(services.db_engine)
            if status == "newer":
                raise ConfigurationError(newer_schema_message(stored))
            if status == "current":
                await encryption_keys.verify_keys(services)
            return status
        finally:
            await services.aclose()

    missing = _missing_database(settings)
    status = None if missing is not None else asyncio.run(check())
    shown = effective_settings(settings)
    if args.json:
        database = {"reachable": missing is None, "schema_current": status == "current"}
        _print_json({"settings": shown, "database": database})
        return
    width = max(map(len, shown))
    for name, value in shown.items():
        print(f"{name:<{width}} = {'(unset)' if value is None else value}")
    if missing is not None:
        print(
            f"configuration is valid; there is no database at {missing} yet "
            "(`linkvault db upgrade` or `linkvault serve` creates it)"
        )
        return
    schema = (
        "current"
        if status == "current"
        else "behind (`linkvault db upgrade` or `linkvault serve` migrates it)"
    )
    print(f"configuration is valid; the database is reachable; its schema is {schema}")


def _print_key(created: api_keys.NewApiKey, *, as_json: dict[str, str] | None) -> None:
    """Show a new key once: as the given JSON body, or as text for a person."""
    if as_json is not None:
        print(json.dumps({**as_json, "api_key": created.api_key}))
        return
    print(f"project id: {created.project_id}")
    print(f"key id:     {created.key_id}")
    print(f"api key:    {created.api_key}  (shown once; store it now)")


_COMMANDS = [
    _Command(
        ("serve",),
        "apply pending migrations and serve the API",
        "linkvault serve --port 8000 --workers 2 --proxy-headers",
        _serve,
        _serve_arguments,
    ),
    _Command(("db", "upgrade"), "apply pending migrations", "linkvault db upgrade", _db_upgrade),
    _Command(
        ("db", "prune"),
        "delete expired link states now (serve also does it periodically)",
        "linkvault db prune --json",
        _db_prune,
        _json_flag("{deleted}"),
    ),
    _Command(
        ("projects", "create"),
        "create a project and its first API key (the key is shown once)",
        "linkvault projects create my-app --json",
        _projects_create,
        _both(lambda p: p.add_argument("name", help="the project's name"), _json_flag("{id, api_key}")),
    ),
    _Command(
        ("projects", "list"),
        "list every project (id, creation time, name)",
        "linkvault projects list --json",
        _projects_list,
        _json_flag("an array of {id, name, created_at}"),
    ),
    _Command(
        ("api-keys", "create"),
        "add an API key to a project (the key is shown once)",
        "linkvault api-keys create <project id> --json",
        _api_keys_create,
        _both(_uuid_argument("project_id", "the project"), _json_flag("{id, project_id, api_key}")),
    ),
    _Command(
        ("api-keys", "list"),
        "list a project's API keys: ids, created and revoked times (never the keys or their hashes)",
        "linkvault api-keys list <project id> --json",
        _api_keys_list,
        _both(
            _uuid_argument("project_id", "the project"),
            _json_flag("an array of {id, project_id, created_at, revoked_at}"),
        ),
    ),
    _Command(
        ("api-keys", "revoke"),
        "revoke an API key at once",
        "linkvault api-keys revoke <key id>",
        _api_keys_revoke,
        _uuid_argument("key_id", "the key's id (from `api-keys list` or `api-keys create`)"),
    ),
    _Command(
        ("keys", "generate"),
        "print a new encryption key for LINKVAULT_ENCRYPTION_KEYS",
        "linkvault keys generate",
        _keys_generate,
        needs_settings=False,
    ),
    _Command(
        ("keys", "rotate"),
        "re-encrypt every stored secret under the first encryption key",
        "LINKVAULT_ENCRYPTION_KEYS=<new>,<old> linkvault keys rotate",
        _keys_rotate,
        _json_flag("{table: rows re-encrypted}"),
    ),
    _Command(
        ("accounts", "list"),
        "list a project's linked accounts (never their tokens)",
        "linkvault accounts list --project <project id> --status needs_reauth --json",
        _accounts_list,
        _accounts_list_arguments,
    ),
    _Command(
        ("accounts", "show"),
        "show one linked account by id, in whichever project it is (never its tokens)",
        "linkvault accounts show <linked account id> --json",
        _accounts_show,
        _both(
            _uuid_argument("account_id", "the linked account's id; no project is needed"),
            _json_flag("the account (LinkedAccountPublic)"),
        ),
    ),
    _Command(
        ("events", "list"),
        "list a project's events, oldest first: what its webhooks deliver (never a token)",
        "linkvault events list --project <project id> --type linked_account.needs_reauth --json",
        _events_list,
        _events_list_arguments,
    ),
    _Command(
        ("config", "check"),
        "check the settings and the database connection; print the settings, secrets masked",
        "linkvault config check --json",
        _config_check,
        _json_flag("{settings, database}"),
    ),
]

_GROUPS = {
    "db": "the database schema and housekeeping",
    "projects": "projects",
    "api-keys": "API keys of projects",
    "keys": "encryption keys",
    "accounts": "linked accounts",
    "events": "the event stream webhooks deliver",
    "config": "the configuration",
}


def _command_list() -> str:
    width = max(len(" ".join(command.words)) for command in _COMMANDS)
    lines = [f"  {' '.join(c.words):<{width}}  {c.summary}" for c in _COMMANDS]
    return "commands:\n" + "\n".join(lines) + "\n\nEvery command has --help with an example."


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog=_PROG,
        usage="%(prog)s [-h] COMMAND ...",
        description="Self-hosted OAuth2 account linking. Settings come from LINKVAULT_* variables "
        "and a .env file in the working directory.",
        epilog=_command_list(),
        formatter_class=formatter,
    )
    # The commands are listed once, in the epilog, one line each (the groups alone say little).
    top = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help=argparse.SUPPRESS, prog=_PROG
    )
    groups: dict[str, Any] = {}  # group name -> its add_subparsers() action
    for command in _COMMANDS:
        example = f"example:\n  {command.example}"
        sub: argparse.ArgumentParser
        if len(command.words) == 1:
            sub = top.add_parser(
                command.words[0],
                help=command.summary,
                description=command.summary,
                epilog=example,
                formatter_class=formatter,
            )
        else:
            group_name, name = command.words
            if group_name not in groups:
                members = [c for c in _COMMANDS if c.words[0] == group_name]
                group = top.add_parser(
                    group_name,
                    help=_GROUPS[group_name],
                    description=_GROUPS[group_name],
                    epilog="examples:\n" + "\n".join(f"  {c.example}" for c in members),
                    formatter_class=formatter,
                )
                groups[group_name] = group.add_subparsers(
                    dest="subcommand", required=True, metavar="COMMAND", prog=f"{_PROG} {group_name}"
                )
            sub = groups[group_name].add_parser(
                name,
                help=command.summary,
                description=command.summary,
                epilog=example,
                formatter_class=formatter,
            )
        command.arguments(sub)
        sub.set_defaults(handler=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command: _Command = args.handler
    # --log-level applies to every logger (linkvault, Connexion, httpx, SQLAlchemy), not only uvicorn's.
    # Other commands show the migrations they apply and warnings; their answer is on stdout.
    level = getattr(args, "log_level", "info" if command.words == ("db", "upgrade") else "warning").upper()
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        if command.needs_settings:
            # Warned first: a misspelt variable may be why the settings are invalid.
            for warning in unknown_variables():
                print(f"{_PROG}: warning: {warning}", file=sys.stderr)
        settings = load_settings() if command.needs_settings else Settings.model_construct()
        command.run(settings, args)
    except LinkvaultError as exc:
        print(f"{_PROG}: {exc.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`linkvault events list | head -1`): stop quietly, as Python's
        # documentation of SIGPIPE advises, pointing stdout at devnull so that the flush at exit
        # does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
