"""Standard Webhooks signatures: secrets, and the ``webhook-*`` headers of one delivery attempt.

The signature is the ``standardwebhooks`` package's own (``v1,`` + base64 HMAC-SHA256 of
``{webhook-id}.{webhook-timestamp}.{body}`` under the secret's bytes, the base64 after ``whsec_``):
the reference implementation beats our own copy of it, and receivers verify with the same library.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks import Webhook

__all__ = ["SECRET_PREFIX", "new_secret", "signed_headers"]

SECRET_PREFIX = "whsec_"
# 32 random bytes: the key length of HMAC-SHA256 (RFC 2104 §3 recommends at least the output length).
_SECRET_BYTES = 32


def new_secret() -> str:
    """A new signing secret, ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode("ascii")


def signed_headers(
    *, secrets_: Sequence[str], message_id: str, timestamp: datetime, body: bytes
) -> dict[str, str]:
    """The ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and ``webhook-signature`` headers of
    ``body``, signed by each of ``secrets_`` (space-separated signatures, as the specification allows
    while a rotated secret is still honoured)."""
    text = body.decode("utf-8")
    signatures = [Webhook(secret).sign(message_id, timestamp, text) for secret in secrets_]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
