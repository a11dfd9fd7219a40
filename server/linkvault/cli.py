"""The ``linkvault`` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from linkvault import redaction
from linkvault.engine import api_keys, encryption_keys, housekeeping, projects
from linkvault.engine.services import Services, open_services
from linkvault.errors import ConfigurationError, LinkvaultError
from linkvault.settings import Settings
from linkvault.store.crypto import generate_key
from linkvault.store.migrate import is_current, upgrade

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linkvault", description="Self-hosted OAuth2 account linking.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="apply pending migrations and serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply pending migrations")
    db.add_parser("prune", help="delete expired link states now (serve also does it periodically)")

    project = commands.add_parser("projects", help="projects").add_subparsers(
        dest="projects_command", required=True
    )
    create_project = project.add_parser("create", help="create a project and its first API key")
    create_project.add_argument("name")
    create_project.add_argument("--json", action="store_true", help="print {id, api_key} as JSON")

    keys = commands.add_parser("api-keys", help="API keys").add_subparsers(
        dest="api_keys_command", required=True
    )
    create_key = keys.add_parser("create", help="add an API key to a project")
    create_key.add_argument("project_id", type=uuid.UUID)
    create_key.add_argument("--json", action="store_true", help="print {id, project_id, api_key} as JSON")
    revoke_key = keys.add_parser("revoke", help="revoke an API key at once")
    revoke_key.add_argument("key_id", type=uuid.UUID)

    encryption = commands.add_parser("keys", help="encryption keys").add_subparsers(
        dest="keys_command", required=True
    )
    encryption.add_parser("generate", help="print a new encryption key for LINKVAULT_ENCRYPTION_KEYS")
    encryption.add_parser("rotate", help="re-encrypt every stored secret under the first key")
    return parser


async def _with_services(
    settings: Settings, work: Callable[[Services], Awaitable[Any]], *, migrate: bool = False
) -> Any:
    """Run ``work`` on open services. Only ``serve`` and ``db upgrade`` migrate (``migrate=True``);
    every other command refuses a database whose schema is behind instead of changing it."""
    services = open_services(settings)
    try:
        if migrate:
            await upgrade(services.db_engine)
        elif not await is_current(services.db_engine):
            raise ConfigurationError("the database schema is not current; run `linkvault db upgrade` first")
        return await work(services)
    finally:
        await services.aclose()


def _serve(settings: Settings, host: str, port: int, log_level: str) -> None:
    import uvicorn

    from linkvault.app import create_app

    if "public_url" not in settings.model_fields_set:
        settings = settings.model_copy(update={"public_url": f"http://{host}:{port}"})
    asyncio.run(_with_services(settings, encryption_keys.verify_keys, migrate=True))
    redaction.install()
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, proxy_headers=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # --log-level applies to every logger (linkvault, Connexion, httpx, SQLAlchemy), not only uvicorn's.
    level = getattr(args, "log_level", "info").upper()
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
        if args.command == "serve":
            _serve(settings, args.host, args.port, args.log_level)
        elif args.command == "db" and args.db_command == "prune":
            deleted = asyncio.run(_with_services(settings, housekeeping.prune_link_states))
            print(f"deleted {deleted} expired link states")
        elif args.command == "db":
            asyncio.run(_with_services(settings, lambda _services: asyncio.sleep(0), migrate=True))
            print("database is up to date")
        elif args.command == "projects":
            created = asyncio.run(
                _with_services(settings, lambda s: projects.create_project(s, name=args.name))
            )
            _print_key(created, as_json={"id": str(created.project_id)} if args.json else None)
        elif args.command == "api-keys" and args.api_keys_command == "create":
            created = asyncio.run(
                _with_services(settings, lambda s: api_keys.create_api_key(s, project_id=args.project_id))
            )
            body = {"id": str(created.key_id), "project_id": str(created.project_id)}
            _print_key(created, as_json=body if args.json else None)
        elif args.command == "api-keys":
            asyncio.run(_with_services(settings, lambda s: api_keys.revoke_api_key(s, key_id=args.key_id)))
            print(f"revoked {args.key_id}")
        elif args.command == "keys" and args.keys_command == "rotate":
            report = asyncio.run(_with_services(settings, encryption_keys.rotate_keys))
            for table, count in report.rows.items():
                print(f"{table}: {count} rows re-encrypted")
        elif args.command == "keys":
            print(generate_key())
    except LinkvaultError as exc:
        print(f"linkvault: {exc.message}", file=sys.stderr)
        return 1
    return 0


def _print_key(created: api_keys.NewApiKey, *, as_json: dict[str, str] | None) -> None:
    """Show a new key once: as the given JSON body, or as text for a person."""
    if as_json is not None:
        print(json.dumps({**as_json, "api_key": created.api_key}))
        return
    print(f"project id: {created.project_id}")
    print(f"key id:     {created.key_id}")
    print(f"api key:    {created.api_key}  (shown once; store it now)")
