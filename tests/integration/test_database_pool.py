"""How many database connections a worker opens: LINKVAULT_DATABASE_POOL_SIZE and
LINKVAULT_DATABASE_MAX_OVERFLOW on PostgreSQL, one connection on SQLite whatever they say."""

from __future__ import annotations

import asyncio
import contextlib
import secrets

import pytest
from sqlalchemy import bindparam, func, literal_column, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from linkvault.engine.services import open_services
from linkvault.errors import DatabaseUnavailable
from linkvault.settings import Settings
from linkvault.store.database import _read_lane, connect, create_engine, dispose
from support.databases import is_postgresql


def test_a_worker_opens_at_most_pool_size_plus_overflow_connections(migrated: Settings) -> None:
    settings = migrated.model_copy(update={"database_pool_size": 2, "database_max_overflow": 1})
    # SQLite keeps its one connection on purpose (store/database.py), whatever the settings say.
    allowed = 3 if settings.database_url.startswith("postgresql") else 1

    async def run() -> None:
        services = open_services(settings)
        try:
            async with contextlib.AsyncExitStack() as held:
                for _ in range(allowed):
                    connection: AsyncConnection = await held.enter_async_context(services.db_engine.connect())
                    await connection.execute(text("SELECT 1"))
                # One more waits for a connection to come back, instead of opening another.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(services.db_engine.connect().start(), timeout=0.5)
                    raise AssertionError(f"a connection beyond the {allowed} allowed was opened")
            async with services.db_engine.connect():  # the given-up wait took no connection with it
                pass
        finally:
            await services.aclose()

    asyncio.run(run())


def _postgresql_only(settings: Settings) -> None:
    if not is_postgresql(settings.database_url):
        pytest.skip("PostgreSQL only: SQLite's reads run inline, on no pooled connection")


_READ_HELD = select(literal_column("pg_backend_pid()"), func.pg_sleep(bindparam("seconds")))


async def _read_pid(engine: AsyncEngine, seconds: float = 0.0) -> int:
    async with connect(engine) as reader:
        row = await reader.first(_READ_HELD, {"seconds": seconds})
    assert row is not None
    return int(row[0])


async def _hold_sessions(held: contextlib.AsyncExitStack, engine: AsyncEngine, count: int) -> None:
    """``count`` sessions' connections, each used once, held until ``held`` closes."""
    for _ in range(count):
        connection = await held.enter_async_context(engine.connect())
        await connection.execute(text("SELECT 1"))


async def _four_idle_connections(settings: Settings) -> AsyncEngine:
    """An engine whose pool holds four connections, all open and idle, and no more (the reads keep
    two of them at most)."""
    engine = create_engine(settings.database_url, pool_size=4, max_overflow=0)
    async with contextlib.AsyncExitStack() as held:
        await _hold_sessions(held, engine, 4)
    return engine


def _engine_named(settings: Settings, application_name: str) -> AsyncEngine:
    """An engine whose connections PostgreSQL lists under ``application_name``."""
    url = make_url(settings.database_url).update_query_dict({"application_name": application_name})
    return create_engine(url.render_as_string(hide_password=False))


async def _count_open(settings: Settings, application_name: str) -> int:
    """The server's connections opened with this application_name."""
    admin = create_engine(settings.database_url)
    try:
        async with admin.connect() as connection:
            statement = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
            return int((await connection.execute(statement, {"name": application_name})).scalar_one())
    finally:
        await dispose(admin)


def test_reads_keep_at_most_half_the_pool_and_leave_the_rest_to_sessions(migrated: Settings) -> None:
    """The API-key checks and credentials reads keep connections between reads (store/_lane.py),
    half the pool at most (ten of the default twenty); more reads at once wait for one of those,
    handed over as a read ends, and a session finds the rest of the pool free."""
    _postgresql_only(migrated)

    async def run() -> None:
        engine = create_engine(migrated.database_url)
        try:
            reads = [asyncio.create_task(_read_pid(engine, 0.3)) for _ in range(12)]
            await asyncio.sleep(0.1)
            async with asyncio.timeout(0.2), engine.connect() as connection:
                assert (await connection.execute(text("SELECT 1"))).scalar() == 1
            pids = await asyncio.gather(*reads)
            # Ten at once, then two more on connections the ten handed over; the session's, back in
            # the pool, stays there.
            assert len(set(pids)) == 10, pids
            assert engine.sync_engine.pool.checkedout() == 10  # type: ignore[attr-defined]
            # The next reads use the connections kept, not others.
            assert {await _read_pid(engine) for _ in range(8)} <= set(pids)
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_a_larger_pool_lets_more_reads_run_at_once(migrated: Settings) -> None:
    """The reads' share of the pool grows with it: with a database far away, reads wait on the round
    trip, and LINKVAULT_DATABASE_POOL_SIZE is the operator's way to let more of them run at once."""
    _postgresql_only(migrated)

    async def run() -> None:
        engine = create_engine(migrated.database_url, pool_size=40)
        loop = asyncio.get_running_loop()
        try:
            started = loop.time()
            pids = await asyncio.gather(*(_read_pid(engine, 0.5) for _ in range(20)))
            assert len(set(pids)) == 20, pids
            assert loop.time() - started < 0.9  # all at once, not in two rounds
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_reads_wait_for_a_read_instead_of_opening_overflow_connections(migrated: Settings) -> None:
    """With the pool's connections all busy, the next reads wait for a read's connection, handed over
    as it ends: opening an overflow connection for a read, only to close it when it comes back, cost
    more than the wait (benchmarks/README.md). Nor do reads beyond the lane's size take the pool's
    idle connections: those stay for the sessions (the writes), which find one at once."""
    _postgresql_only(migrated)
    name = f"linkvault_lane_{secrets.token_hex(4)}"

    async def run() -> None:
        url = make_url(migrated.database_url).update_query_dict({"application_name": name})
        engine = create_engine(url.render_as_string(hide_password=False), pool_size=4, max_overflow=4)
        try:
            async with contextlib.AsyncExitStack() as held:
                await _hold_sessions(held, engine, 2)  # two sessions take two of the pool's four
                reads = [asyncio.create_task(_read_pid(engine, 0.2)) for _ in range(6)]
                await asyncio.sleep(0.1)
                assert await _count_open(migrated, name) == 4
                assert len(set(await asyncio.gather(*reads))) == 2
            # The sessions' connections, idle in the pool now, stay there: a burst of reads runs on
            # the two the lane keeps, and a session that comes meanwhile takes an idle one at once,
            # opening none.
            reads = [asyncio.create_task(_read_pid(engine, 0.2)) for _ in range(4)]
            await asyncio.sleep(0.1)
            async with asyncio.timeout(0.05), engine.connect() as connection:
                assert (await connection.execute(text("SELECT 1"))).scalar() == 1
            assert len(set(await asyncio.gather(*reads))) == 2
            assert await _count_open(migrated, name) == 4
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_a_session_waiting_for_a_connection_goes_before_the_reads_waiting(migrated: Settings) -> None:
    """Reads handing their connections to each other never starve a session (a write) that waits in
    the pool: the first read to end gives its connection to the session."""
    _postgresql_only(migrated)

    async def run() -> None:
        engine = create_engine(migrated.database_url, pool_size=4, max_overflow=0)
        loop = asyncio.get_running_loop()
        try:
            started = loop.time()
            reads = [asyncio.create_task(_read_pid(engine, 0.3)) for _ in range(12)]  # three rounds
            await asyncio.sleep(0.1)
            async with engine.connect() as connection:
                assert (await connection.execute(text("SELECT 1"))).scalar() == 1
            assert loop.time() - started < 0.55  # after the first round, not the third
            assert len(await asyncio.gather(*reads)) == 12
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_a_read_cancelled_while_it_waits_takes_no_connection_with_it(migrated: Settings) -> None:
    _postgresql_only(migrated)

    async def run() -> None:
        engine = create_engine(migrated.database_url, pool_size=4, max_overflow=0)
        try:
            reads = [asyncio.create_task(_read_pid(engine, 0.3)) for _ in range(4)]
            waiting = [asyncio.create_task(_read_pid(engine)) for _ in range(3)]
            await asyncio.sleep(0.1)
            for task in waiting[:2]:
                task.cancel()
            await asyncio.gather(*reads)
            await waiting[2]
            # Every connection is there to be had: four sessions at once, without waiting.
            async with contextlib.AsyncExitStack() as held, asyncio.timeout(2):
                await _hold_sessions(held, engine, 4)
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_an_overflow_connection_is_not_kept_by_the_reads(migrated: Settings) -> None:
    """A read served by an overflow connection (the pool's size in use elsewhere) gives it back, and
    the pool closes it, as the configuration promises of overflow connections."""
    _postgresql_only(migrated)

    async def run() -> None:
        engine = create_engine(migrated.database_url, pool_size=4, max_overflow=2)
        pool = engine.sync_engine.pool
        try:
            async with contextlib.AsyncExitStack() as held:
                await _hold_sessions(held, engine, 4)
                await _read_pid(engine)
            assert pool.checkedin() + pool.checkedout() == 4  # type: ignore[attr-defined]
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_a_read_cancelled_just_as_it_was_handed_a_connection_passes_it_on(migrated: Settings) -> None:
    """The connection a read hands over as it ends, to a read cancelled before it could run, goes to
    the next read waiting instead of being lost with the cancelled one."""
    _postgresql_only(migrated)

    async def run() -> None:
        engine = create_engine(migrated.database_url, pool_size=8, max_overflow=0)
        lane = _read_lane(engine)  # keeps four
        try:
            held = [await lane.acquire(engine) for _ in range(4)]
            cancelled = asyncio.create_task(lane.acquire(engine))
            after = asyncio.create_task(lane.acquire(engine))
            await asyncio.sleep(0.05)  # both wait for a read's connection
            connection, generation = held.pop()
            await lane.release(engine, connection, generation, reusable=True)  # handed to the first
            cancelled.cancel()  # before it ran
            with pytest.raises(asyncio.CancelledError):
                await cancelled
            async with asyncio.timeout(2):
                held.append(await after)
            for connection, generation in held:
                await lane.release(engine, connection, generation, reusable=True)
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_a_session_takes_a_connection_a_session_gave_back_before_the_reads_waiting(
    migrated: Settings,
) -> None:
    """Reads beyond the lane's share wait for a read's connection even when a session gives one back
    to the pool: it stays there for the next session (a write), which takes it at once rather than
    wait for the (slow) reads under way or open another connection."""
    _postgresql_only(migrated)
    name = f"linkvault_lane_{secrets.token_hex(4)}"

    async def run() -> None:
        url = make_url(migrated.database_url).update_query_dict({"application_name": name})
        # The reads keep two; no overflow, so a session finds an idle connection or waits.
        engine = create_engine(url.render_as_string(hide_password=False), pool_size=4, max_overflow=0)
        loop = asyncio.get_running_loop()
        try:
            async with contextlib.AsyncExitStack() as held:
                await _hold_sessions(held, engine, 2)
                # Slow, but less than the second a read waits for another read's connection.
                slow = [asyncio.create_task(_read_pid(engine, 0.8)) for _ in range(2)]
                await asyncio.sleep(0.1)
                waiting = asyncio.create_task(_read_pid(engine))
                await asyncio.sleep(0.1)
            started = loop.time()  # the sessions' connections are back in the pool
            for _ in range(2):
                async with asyncio.timeout(0.5), engine.connect() as connection:
                    assert (await connection.execute(text("SELECT 1"))).scalar() == 1
            assert loop.time() - started < 0.5
            assert not waiting.done()  # it waits for a slow read's connection
            assert await waiting in await asyncio.gather(*slow)
            assert await _count_open(migrated, name) == 4
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_reads_do_not_wait_behind_reads_whose_connections_stopped_answering(migrated: Settings) -> None:
    """Reads beyond the lane's share wait for a read's connection, but a second at most: when the
    reads under way hang (a half-open connection after a failover, a stalled network path), the
    next reads are served by the pool's idle connections instead of waiting out the pool's timeout
    and failing with 503."""
    _postgresql_only(migrated)

    async def run() -> None:
        engine = await _four_idle_connections(migrated)
        loop = asyncio.get_running_loop()
        try:
            stuck = [asyncio.create_task(_read_pid(engine, 5)) for _ in range(2)]
            await asyncio.sleep(0.1)
            started = loop.time()
            pids = await asyncio.gather(*(_read_pid(engine) for _ in range(5)))
            assert loop.time() - started < 2.5  # a second's wait, not the stuck reads' five
            assert set(pids).isdisjoint(await asyncio.gather(*stuck))
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_a_long_line_of_reads_on_a_healthy_database_stays_on_the_reads_share(migrated: Settings) -> None:
    """However long reads wait in line, while the reads' connections keep being handed on they stay
    with those: the pool's other connections stay free for the sessions (a trial found a line two
    seconds long sending its tail to the pool, ahead of the sessions, once each read's own wait
    passed a second)."""
    _postgresql_only(migrated)

    async def run() -> None:
        engine = await _four_idle_connections(migrated)
        loop = asyncio.get_running_loop()
        try:
            # Two at a time, 50 ms each: the last of 80 waits about two seconds.
            reads = [asyncio.create_task(_read_pid(engine, 0.05)) for _ in range(80)]
            await asyncio.sleep(1.3)
            started = loop.time()
            async with engine.connect() as connection:
                assert (await connection.execute(text("SELECT 1"))).scalar() == 1
            assert loop.time() - started < 0.5  # it takes an idle connection; it waits for none
            assert len(set(await asyncio.gather(*reads))) == 2
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_a_read_waits_no_longer_than_the_pools_timeout_in_all(migrated: Settings) -> None:
    """A read that waited for a read's connection, and then for the pool (the read it waited for
    failed, and a session took that connection), gives up when the pool's timeout has passed since it
    began to wait, not twice that."""
    _postgresql_only(migrated)
    failing = select(literal_column("1 / (count(*) - 1)")).select_from(func.pg_sleep(bindparam("seconds")))

    async def fail_after(engine: AsyncEngine, seconds: float) -> None:
        with contextlib.suppress(Exception):
            async with connect(engine) as reader:
                await reader.first(failing, {"seconds": seconds})

    async def hold(engine: AsyncEngine, seconds: float) -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_sleep(:seconds)"), {"seconds": seconds})

    async def run() -> None:
        engine = create_engine(migrated.database_url, pool_size=4, max_overflow=0)  # the reads keep two
        engine.sync_engine.pool._timeout = 1.5  # type: ignore[attr-defined]  # the default's 30 s, shortened
        loop = asyncio.get_running_loop()
        try:
            others = [asyncio.create_task(hold(engine, 4)) for _ in range(2)]
            await asyncio.sleep(0.2)
            others.append(asyncio.create_task(fail_after(engine, 1)))
            others.append(asyncio.create_task(_read_pid(engine, 4)))
            await asyncio.sleep(0.2)
            started = loop.time()
            waiting = asyncio.create_task(_read_pid(engine))
            await asyncio.sleep(0.5)
            others.append(asyncio.create_task(hold(engine, 4)))  # in the pool's queue before the read
            with pytest.raises(DatabaseUnavailable):
                await waiting
            assert loop.time() - started < 2.0
            await asyncio.gather(*others, return_exceptions=True)
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_reads_that_waited_through_shutdown_keep_no_connection(migrated: Settings) -> None:
    _postgresql_only(migrated)

    async def run() -> None:
        engine = create_engine(migrated.database_url, pool_size=4, max_overflow=0)  # the reads keep two
        slow = [asyncio.create_task(_read_pid(engine, 0.5)) for _ in range(2)]
        await asyncio.sleep(0.1)
        waiting = [asyncio.create_task(_read_pid(engine)) for _ in range(3)]
        await asyncio.sleep(0.1)
        await dispose(engine)
        await asyncio.gather(*slow, *waiting)
        try:
            assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_shutting_down_closes_the_connections_the_reads_kept(migrated: Settings) -> None:
    _postgresql_only(migrated)
    name = f"linkvault_lane_{secrets.token_hex(4)}"

    async def run() -> None:
        engine = _engine_named(migrated, name)
        await asyncio.gather(*(_read_pid(engine, 0.1) for _ in range(4)))
        assert await _count_open(migrated, name) == 4
        await dispose(engine)
        assert await _count_open(migrated, name) == 0

    asyncio.run(run())


def test_a_checkout_that_waits_gets_the_connection_the_reads_kept(migrated: Settings) -> None:
    """With the pool at its limit, a session (or a read) that has to wait is handed a connection the
    reads keep idle, instead of waiting out the pool's timeout (a 503) beside it: whether the reads
    kept it before the wait began or their read ends while it waits."""
    _postgresql_only(migrated)

    async def run() -> None:
        engine = create_engine(migrated.database_url, pool_size=4, max_overflow=0)
        try:
            async with contextlib.AsyncExitStack() as held:
                await _hold_sessions(held, engine, 3)
                await _read_pid(engine)  # kept: the fourth connection, idle
                async with asyncio.timeout(5), engine.connect() as waited:
                    assert (await waited.execute(text("SELECT 1"))).scalar() == 1

                reading = asyncio.create_task(_read_pid(engine, 0.5))  # takes the kept one
                await asyncio.sleep(0.1)
                async with asyncio.timeout(5), engine.connect() as waited:  # waits for that read
                    assert (await waited.execute(text("SELECT 1"))).scalar() == 1
                await reading
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_a_read_that_ends_after_shutdown_keeps_no_connection(migrated: Settings) -> None:
    _postgresql_only(migrated)
    name = f"linkvault_lane_{secrets.token_hex(4)}"

    async def run() -> None:
        engine = _engine_named(migrated, name)
        reading = asyncio.create_task(_read_pid(engine, 0.5))
        await asyncio.sleep(0.1)
        await dispose(engine)
        await reading
        assert await _count_open(migrated, name) == 0

    asyncio.run(run())
