"""The query of a PostgreSQL URL: libpq's sslmode and connect_timeout as asyncpg's ssl and timeout,
anything asyncpg does not take refused."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import asyncpg
import pytest
from asyncpg.connect_utils import SessionAttribute, SSLMode
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
from sqlalchemy.engine import make_url

from linkvault.errors import DatabaseUnavailable
from linkvault.store.database import create_engine, dispose, ping
from linkvault.store.postgresql_url import QUERY_PARAMETERS, asyncpg_connect_args

_BASE = "postgresql+asyncpg://linkvault:hunter2@127.0.0.1:5432/linkvault"


def test_every_parameter_becomes_an_argument_asyncpg_or_the_dialect_takes() -> None:
    taken = set(inspect.signature(asyncpg.connect).parameters)
    # SQLAlchemy's dialect pops its own before it calls asyncpg.connect.
    dialect = {"prepared_statement_cache_size"}
    assert all(f'"{name}"' in inspect.getsource(AsyncAdapt_asyncpg_dbapi.connect) for name in dialect)

    for argument, _parse in QUERY_PARAMETERS.values():
        assert argument in taken | dialect, argument


def test_the_modes_are_asyncpgs() -> None:
    for mode in ("disable", "allow", "prefer", "require", "verify-ca", "verify-full"):
        assert SSLMode.parse(mode) is not None
        assert asyncpg_connect_args(make_url(f"{_BASE}?sslmode={mode}"))[1] == {"ssl": mode}
    for attribute in SessionAttribute:
        url = make_url(f"{_BASE}?target_session_attrs={attribute.value}")
        assert asyncpg_connect_args(url)[1] == {"target_session_attrs": attribute.value}


def test_libpq_names_become_asyncpgs_and_numbers_numbers() -> None:
    url = make_url(
        f"{_BASE}?sslmode=require&connect_timeout=5&command_timeout=2.5&prepared_statement_cache_size=0"
        "&statement_cache_size=0"
    )

    rest, connect_args = asyncpg_connect_args(url)

    assert connect_args == {
        "ssl": "require",
        "timeout": 5.0,
        "command_timeout": 2.5,
        "prepared_statement_cache_size": 0,
        "statement_cache_size": 0,
    }
    assert rest.render_as_string(hide_password=False) == _BASE


def test_a_multi_host_url_keeps_its_hosts_for_sqlalchemy() -> None:
    url = make_url("postgresql+asyncpg://u@/db?host=a:5432&host=b:5432&ssl=verify-full")

    rest, connect_args = asyncpg_connect_args(url)

    assert rest.query == {"host": ("a:5432", "b:5432")}
    assert connect_args == {"ssl": "verify-full"}


def test_a_unix_socket_directory_is_a_host() -> None:
    """libpq's way to reach a local server through its socket, which asyncpg takes as the host."""
    rest, connect_args = asyncpg_connect_args(make_url("postgresql+asyncpg://u@/db?host=/var/run/postgresql"))

    assert rest.query == {"host": "/var/run/postgresql"}
    assert connect_args == {}


def test_application_name_is_a_server_setting_to_asyncpg() -> None:
    rest, connect_args = asyncpg_connect_args(make_url(f"{_BASE}?application_name=linkvault-eu"))

    assert rest.query == {}
    assert connect_args == {"server_settings": {"application_name": "linkvault-eu"}}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "bogus=1",
            "the query parameter bogus is not supported (supported: application_name, command_timeout, ",
        ),
        ("options=-csearch_path%3Dx", "the query parameter options is not supported"),
        ("password=hunter3", "the query parameter password is not supported"),
        ("server_settings=x", "the query parameter server_settings is not supported"),
        ("sslmode=required", "the query parameter sslmode must be one of disable, allow, prefer, require, "),
        ("ssl=true", "the query parameter ssl must be one of "),
        ("connect_timeout=0", "the query parameter connect_timeout must be a positive number of seconds"),
        ("connect_timeout=nan", "the query parameter connect_timeout must be a positive number of seconds"),
        ("command_timeout=five", "the query parameter command_timeout must be a positive number of seconds"),
        (
            "statement_cache_size=-1",
            "the query parameter statement_cache_size must be a whole number, 0 or more",
        ),
        ("sslmode=require&sslmode=disable", "the query parameter sslmode is given more than once"),
        ("sslmode=require&ssl=require", "the query parameters sslmode and ssl say the same: give one"),
        ("connect_timeout=5&timeout=5", "the query parameters connect_timeout and timeout say the same"),
    ],
)
def test_what_asyncpg_would_not_take_is_refused_by_name(query: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"^the query parameter") as raised:
        asyncpg_connect_args(make_url(f"{_BASE}?{query}"))

    assert message in str(raised.value)
    assert "hunter" not in str(raised.value)


def test_the_engine_hands_asyncpg_its_arguments() -> None:
    """What reached asyncpg.connect, before it failed to connect to a closed port."""
    engine = create_engine(f"{_BASE.replace(':5432', ':1')}?sslmode=disable&connect_timeout=3")
    seen: dict[str, Any] = {}

    @event.listens_for(engine.sync_engine, "do_connect")
    def record(_dialect: Any, _record: Any, _args: Any, kwargs: dict[str, Any]) -> None:
        seen.update(kwargs)

    async def run() -> None:
        try:
            with pytest.raises(DatabaseUnavailable):
                await ping(engine)
        finally:
            await dispose(engine)

    asyncio.run(run())

    assert seen["ssl"] == "disable" and seen["timeout"] == 3.0
    assert "sslmode" not in seen and "connect_timeout" not in seen
