"""Keeps authorization codes and states out of the logs.

uvicorn's access log prints each request's path with its query string, which on a callback holds the
authorization code and the state (RFC 9700 §4.2.4: they must not leak through logs). ``serve`` puts
the filter on its one log handler (``linkvault.logs``), so it covers every logger, uvicorn's included."""

from __future__ import annotations

import logging
import re

__all__ = ["RedactCallbackSecrets", "redact_query"]

_SECRET_PARAMETER = re.compile(
    r"(?i)([?&](?:code|state|error_description|access_token|refresh_token)=)[^&#\s]*"
)


def redact_query(text: str) -> str:
    return _SECRET_PARAMETER.sub(r"\1[redacted]", text)


class RedactCallbackSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_query(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact_query(record.msg)
        return True
