"""Keeps authorization codes, states, tokens and API keys out of the logs.

uvicorn's access log prints each request's path with its query string, which on a callback holds the
authorization code and the state (RFC 9700 §4.2.4: they must not leak through logs), and where a caller
put an API key by mistake (``?api_key=lvk_...``), the key: a linkvault key is redacted wherever it
appears. ``serve`` puts
the filter on its one log handler (``linkvault.logs``), so it covers every logger, uvicorn's included."""

from __future__ import annotations

import logging
import re

__all__ = ["RedactCallbackSecrets", "redact_query"]

_SECRET_PARAMETER = re.compile(
    r"(?i)([?&](?:code|state|error_description|access_token|refresh_token|id_token|client_secret"
    r"|api_key|apikey|key|token|password)=)[^&#\s]*"
)
# linkvault's API keys (engine/api_keys.py): "lvk_" and url-safe base64.
_API_KEY = re.compile(r"lvk_[A-Za-z0-9_-]+")


def redact_query(text: str) -> str:
    """``text`` with the values of secret query parameters, and every linkvault API key, replaced by
    ``[redacted]``."""
    return _API_KEY.sub("lvk_[redacted]", _SECRET_PARAMETER.sub(r"\1[redacted]", text))


class RedactCallbackSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_query(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact_query(record.msg)
        return True
