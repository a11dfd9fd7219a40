"""What the query of a PostgreSQL URL may hold, and what asyncpg is given for it.

SQLAlchemy's asyncpg dialect hands every query parameter to ``asyncpg.connect`` as a keyword argument,
as a string. A libpq parameter pasted from a managed database's console (``?sslmode=require``), a
number (``?command_timeout=5``) or a typo failed only at the first connection, with a ``TypeError``
traceback from every command. Here each parameter linkvault accepts is checked and converted to the
argument asyncpg (or the dialect) takes; the settings check a URL with ``asyncpg_connect_args`` when
they load, and ``create_engine`` uses what it returns.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import URL

__all__ = ["QUERY_PARAMETERS", "asyncpg_connect_args"]

# asyncpg's SSLMode and SessionAttribute (asyncpg.connect_utils), the values asyncpg takes as strings;
# libpq's sslmode takes the same names. A test compares them with asyncpg's own.
_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_SESSION_ATTRIBUTES = ("any", "primary", "standby", "prefer-standby", "read-write", "read-only")
_GSSLIBS = ("gssapi", "sspi")


def _one_of(choices: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(name: str, value: str) -> str:
        if value not in choices:
            raise ValueError(f"the query parameter {name} must be one of {', '.join(choices)}")
        return value

    return parse


def _seconds(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    # Not NaN or infinite: asyncpg would wait forever, or fail inside its timer.
    if not 0 < seconds < float("inf"):
        raise ValueError(f"the query parameter {name} must be a positive number of seconds")
    return seconds


def _count(name: str, value: str) -> int:
    if not (value.isascii() and value.isdigit()):  # ASCII digits only: no sign, no blank, no "²"
        raise ValueError(f"the query parameter {name} must be a whole number, 0 or more")
    return int(value)


def _text(name: str, value: str) -> str:
    if not value:
        raise ValueError(f"the query parameter {name} must not be empty")
    return value


# Query parameter -> (asyncpg.connect's keyword argument, or the dialect's, and how its value is
# read). sslmode and connect_timeout are libpq's names for asyncpg's ssl and timeout. asyncpg's other
# arguments (server_settings, connection_class ...) are no strings, so no URL can give them.
QUERY_PARAMETERS: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "sslmode": ("ssl", _one_of(_SSL_MODES)),
    "ssl": ("ssl", _one_of(_SSL_MODES)),
    "connect_timeout": ("timeout", _seconds),
    "timeout": ("timeout", _seconds),
    "command_timeout": ("command_timeout", _seconds),
    "target_session_attrs": ("target_session_attrs", _one_of(_SESSION_ATTRIBUTES)),
    "statement_cache_size": ("statement_cache_size", _count),
    "max_cached_statement_lifetime": ("max_cached_statement_lifetime", _count),
    "max_cacheable_statement_size": ("max_cacheable_statement_size", _count),
    # SQLAlchemy's asyncpg dialect's own: its cache of prepared statements per connection.
    "prepared_statement_cache_size": ("prepared_statement_cache_size", _count),
    "passfile": ("passfile", _text),
    "krbsrvname": ("krbsrvname", _text),
    "gsslib": ("gsslib", _one_of(_GSSLIBS)),
}
# The name the server shows for our connections (pg_stat_activity), libpq's parameter.
_APPLICATION_NAME = "application_name"
# Read by SQLAlchemy's dialect itself, from the URL: the hosts of a multi-host URL
# (``?host=a:5432&host=b:5432``).
_LEFT_IN_THE_URL = frozenset({"host"})


def asyncpg_connect_args(url: URL) -> tuple[URL, dict[str, Any]]:
    """``url`` (a ``postgresql+asyncpg`` URL) without the query parameters of ``QUERY_PARAMETERS``,
    and the keyword arguments for ``asyncpg.connect`` (and SQLAlchemy's dialect) they stand for, typed
    as asyncpg takes them: ``{"ssl": "require", "timeout": 5.0}`` for
    ``?sslmode=require&connect_timeout=5``.

    Raises ValueError, in one line naming the parameter but never its value (it may be a secret), for
    a parameter asyncpg does not take, one given twice (also under its two names, ``sslmode`` and
    ``ssl``) and a value out of its range."""
    connect_args: dict[str, Any] = {}
    given: dict[str, str] = {}
    for name, value in url.query.items():
        if name in _LEFT_IN_THE_URL:
            _check_hosts(value if isinstance(value, tuple) else (value,))
            continue
        if name not in QUERY_PARAMETERS and name != _APPLICATION_NAME:
            raise ValueError(
                f"the query parameter {name} is not supported (supported: "
                f"{', '.join(sorted(QUERY_PARAMETERS.keys() | _LEFT_IN_THE_URL | {_APPLICATION_NAME}))})"
            )
        if not isinstance(value, str):
            raise ValueError(f"the query parameter {name} is given more than once")
        if name == _APPLICATION_NAME:
            # libpq's application_name is a server setting to asyncpg, not an argument of its own.
            connect_args["server_settings"] = {"application_name": _text(name, value)}
            given["server_settings"] = name
            continue
        argument, parse = QUERY_PARAMETERS[name]
        if argument in given:
            raise ValueError(f"the query parameters {given[argument]} and {name} say the same: give one")
        given[argument] = name
        connect_args[argument] = parse(name, value)
    return url.difference_update_query(given.values()), connect_args


def _check_hosts(hosts: tuple[str, ...]) -> None:
    """The hosts of a URL's ``host`` parameters (``?host=a:5432&host=b:5432``): each a name with a port
    from 1 to 65535, either on every one or on none (SQLAlchemy's rule), or a Unix socket's directory
    (``?host=/var/run/postgresql``). Raises ValueError in one line."""
    ports: list[int | None] = []
    for host in hosts:
        if host.startswith("/"):
            # A directory holding the server's Unix socket (?host=/var/run/postgresql), as libpq takes.
            ports.append(None)
            continue
        try:
            parts = urllib.parse.urlsplit("//" + host)
            hostname, port = parts.hostname, parts.port
        except ValueError:  # a port that is no number or out of range, a broken IPv6 literal
            hostname, port = None, 0
        if not hostname or port == 0:
            raise ValueError("the query parameter host must be a host name with a port from 1 to 65535")
        ports.append(port)
    if len(set(port is None for port in ports)) > 1:
        raise ValueError("the query parameter host must give a port on every host or on none")
