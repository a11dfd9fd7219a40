"""Request ids: one per request, answered in ``X-Request-ID`` and written on every log line of the
request, so that an operator can find a client's failed call in the server's log.

A caller (or a proxy in front) may choose the id; it is taken only when it is a short token
(RFC 9110 §5.6.2 ``tchar``s), since it is copied into logs and headers; otherwise one is generated."""

from __future__ import annotations

import logging
import os
import re
from contextvars import ContextVar

__all__ = ["HEADER", "RequestIdFilter", "accept_or_generate", "install", "request_id_var"]

HEADER = "X-Request-ID"
MAX_LENGTH = 128
_TOKEN = re.compile(rf"[!#$%&'*+.^_`|~0-9A-Za-z-]{{1,{MAX_LENGTH}}}")

request_id_var: ContextVar[str | None] = ContextVar("linkvault_request_id", default=None)


def accept_or_generate(sent: str | None) -> str:
    """The caller's id when it is a token of at most ``MAX_LENGTH`` characters, else a new random one."""
    if sent is not None and _TOKEN.fullmatch(sent):
        return sent
    # 128 random bits as 32 hex digits; a fifth of uuid4().hex's cost, paid on every request.
    return os.urandom(16).hex()


class RequestIdFilter(logging.Filter):
    """Gives each record the ``request_id`` of the request it was written in (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class _WithRequestId(logging.Formatter):
    """Another formatter's line, with `` request_id=<id>`` appended when the record has one."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        request_id = getattr(record, "request_id", None)
        return line if request_id is None else f"{line} request_id={request_id}"


def install() -> None:
    """Put the request id on every line of every handler configured now (the root's, uvicorn's).

    Called when the application starts, after the server has set up its logging."""
    loggers = [logging.getLogger(), *logging.getLogger().manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            # Handlers configured by linkvault.logs (serve) already write the id in their format.
            if isinstance(handler.formatter, _WithRequestId) or any(
                isinstance(existing, RequestIdFilter) for existing in handler.filters
            ):
                continue
            handler.addFilter(RequestIdFilter())
            handler.setFormatter(_WithRequestId(handler.formatter or logging.Formatter()))
