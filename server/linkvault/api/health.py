"""Operations tagged ``health``: liveness and readiness probes, without an API key."""

from __future__ import annotations

from starlette.responses import Response

from linkvault.api._context import current_services
from linkvault.api._representations import json_response
from linkvault.engine.health import check_ready

__all__ = ["get_healthz", "get_readyz"]


async def get_healthz() -> Response:
    """The process answers; nothing else is checked, so a database outage never restarts it."""
    return json_response({"status": "ok"})


async def get_readyz() -> Response:
    await check_ready(current_services())
    return json_response({"status": "ok"})
