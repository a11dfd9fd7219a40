"""CPU per credentials read, linkvault against the reference, with no network and no load generator.

``python -m benchmarks.inprocess [--database URL] [--requests N] [--profile linkvault|reference]
[--sort tottime|cumulative] [--dump FILE]``
seeds 1,000 accounts, drives each ASGI application directly (one request at a time, interleaved
rounds) and prints wall and CPU microseconds per request; ``--profile`` prints cProfile's top
functions for one of them (``--sort`` orders them, ``--dump`` keeps the whole profile). CPU time
is steadier than throughput on a shared machine, so this is the quick way to see what a change to
the hot path costs.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

__all__ = ["main"]


async def _measure(
    database_url: str, requests: int, profile: str | None, sort: str = "tottime", dump: Path | None = None
) -> None:
    key = Fernet.generate_key().decode()
    # The reference reads its configuration when imported.
    os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_ENCRYPTION_KEY"] = database_url, key
    import benchmarks.reference as reference
    from benchmarks.seed import SeededProject, insert_accounts
    from linkvault.app import create_app
    from linkvault.engine import projects
    from linkvault.engine.services import open_services
    from linkvault.settings import Settings
    from linkvault.store.migrate import upgrade
    from linkvault.store.models import AppConfiguration

    settings = Settings(database_url=database_url, encryption_keys=key)
    services = open_services(settings)
    await upgrade(services.db_engine)
    created = await projects.create_project(services, name="inprocess")
    async with services.sessions.begin() as session:
        app_row = AppConfiguration(
            project_id=created.project_id, app_name="bench", client_id="c", authorize_url="http://127.0.0.1:9/a",
            token_url="http://127.0.0.1:9/t", token_endpoint_auth_method="client_secret_basic",
        )  # fmt: skip
        session.add(app_row)
        await session.flush()
        app_id = app_row.id
    project = SeededProject(created.project_id, created.api_key, "bench", app_id)
    ids = await insert_accounts(services, project, count=1000, owner_prefix="inprocess")
    apps: dict[str, Any] = {"linkvault": create_app(settings), "reference": reference.app}

    async def call(app: Any, index: int) -> None:
        path = f"/v1/linked-accounts/{ids[index % len(ids)]}/credentials"
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"inprocess"), (b"x-api-key", created.api_key.encode())],
            "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
        }  # fmt: skip
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(scope, receive, send)
        assert sent[0]["status"] == 200, sent

    for app in apps.values():  # warm up
        for index in range(200):
            await call(app, index)
    for round_ in range(2):
        for name, app in apps.items():
            profiler = cProfile.Profile() if profile == name and round_ == 1 else None
            if profiler:
                profiler.enable()
            wall, cpu = time.perf_counter(), time.process_time()
            for index in range(requests):
                await call(app, index)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if profiler:
                profiler.disable()
                if dump is not None:
                    profiler.dump_stats(dump)
                pstats.Stats(profiler).sort_stats(sort).print_stats(30)
            print(
                f"{name}: wall {wall / requests * 1e6:.0f} µs, CPU {cpu / requests * 1e6:.0f} µs per request"
            )
    await services.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.inprocess", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", choices=["linkvault", "reference"])
    parser.add_argument("--sort", default="tottime", help="the profile's order (pstats: tottime, cumulative)")
    parser.add_argument("--dump", type=Path, help="also write the profile (pstats format) to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database or f"sqlite+aiosqlite:///{Path(scratch) / 'inprocess.db'}"
        asyncio.run(_measure(url, args.requests, args.profile, args.sort, args.dump))


if __name__ == "__main__":
    main()
