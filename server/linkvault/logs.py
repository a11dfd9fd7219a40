"""The log format of ``linkvault serve``: the same for linkvault's lines and uvicorn's own.

``LINKVAULT_LOG_FORMAT=text`` (the default) writes ``LEVEL logger: message``, then `` code=<code>`` for
an expected failure and `` request_id=<id>`` inside a request. ``json`` writes one JSON object per line
with ``timestamp`` (ISO 8601, UTC), ``level``, ``logger``, ``message``, ``request_id`` and, for an
expected failure, ``code`` (python-json-logger's ``JsonFormatter``; a traceback goes in ``exc_info``).

``log_config`` is a ``logging.config.dictConfig`` dictionary; ``serve`` applies it itself and hands it to
uvicorn as ``log_config``, so every worker process (``--workers N``) configures the same handlers, with
the request id filter and the redaction of callback secrets (``linkvault.redaction``) on each.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

__all__ = ["JsonFormatter", "LogFormat", "TextFormatter", "log_config", "stderr_handler"]

LogFormat = Literal["text", "json"]

_TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
# uvicorn adds a coloured copy of some messages as an extra attribute; it is not a field of ours.
_NOT_FIELDS = [*RESERVED_ATTRS, "color_message", "taskName"]


class TextFormatter(logging.Formatter):
    """``LEVEL logger: message``, with `` code=<code>`` and `` request_id=<id>`` when the record has them."""

    def __init__(self) -> None:
        super().__init__(_TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        code = getattr(record, "code", None)
        if code is not None:
            line = f"{line} code={code}"
        request_id = getattr(record, "request_id", None)
        return line if request_id is None else f"{line} request_id={request_id}"


class JsonFormatter(_JsonFormatter):
    """One JSON object per record: timestamp, level, logger, message, request_id, then any extras
    (``code``)."""

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
            reserved_attrs=_NOT_FIELDS,
            timestamp=True,
        )


def stderr_handler() -> logging.Handler:
    """The one handler, on stderr. It also routes Python warnings (e.g. a library's deprecation
    notice at import) into logging, so that they too are written in the configured format: a JSON log
    must hold nothing but JSON lines. Built by ``dictConfig`` in every worker, before the
    application is imported."""
    logging.captureWarnings(True)
    return logging.StreamHandler(sys.stderr)


def log_config(*, log_format: LogFormat, level: str) -> dict[str, Any]:
    """The ``dictConfig`` of a linkvault process: one handler on stderr for every logger (uvicorn's
    propagate to it), at ``level`` (a ``logging`` level name)."""
    formatter = {"text": "linkvault.logs.TextFormatter", "json": "linkvault.logs.JsonFormatter"}[log_format]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "linkvault.request_ids.RequestIdFilter"},
            "redact": {"()": "linkvault.redaction.RedactCallbackSecrets"},
        },
        "formatters": {"linkvault": {"()": formatter}},
        "handlers": {
            "stderr": {
                "()": "linkvault.logs.stderr_handler",
                "formatter": "linkvault",
                "filters": ["request_id", "redact"],
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # uvicorn's loggers write through the root's handler, in the same format.
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": True},
            # Connexion logs each refused request body at INFO, quoting the refused value (which may
            # be a mistyped secret); the 400 answer already says what was wrong.
            "connexion.validators.json": {"level": "WARNING"},
            # httpx logs every request's whole URL at INFO: a webhook endpoint's URL may hold the
            # receiver's credentials (Slack's and Discord's do, in the path). linkvault's own lines
            # name the endpoint by id, and the provider by its URL without the query (engine.http).
            # httpcore's DEBUG lines name the host and port only (tests/security/test_leakage.py).
            "httpx": {"level": "WARNING"},
            # aiosqlite logs each call to its thread at DEBUG with its arguments: every SQLite
            # statement's parameters, a webhook endpoint's URL among them. (SQLAlchemy holds its own
            # loggers at WARNING unless told otherwise.)
            "aiosqlite": {"level": "INFO"},
        },
    }
