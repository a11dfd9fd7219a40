"""Request ids: every answer carries ``X-Request-ID`` (the caller's when it is a short token, else a new
one), and every log line written while a request runs carries the same id."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

from linkvault.request_ids import RequestIdFilter
from support.inprocess import InProcess
from support.projects import Project
from support.server import ServerFactory


@pytest.mark.parametrize("sent", ["abc-123", "0f9c.client_7~x", "A" * 128])
def test_a_sane_request_id_is_echoed(linkvault: InProcess, project: Project, sent: str) -> None:
    for response in (
        linkvault.http.get("/openapi.json", headers={"X-Request-ID": sent}),
        linkvault.http.get("/v1/app-configurations/nope", headers={"X-Request-ID": sent, **project.headers}),
        linkvault.http.get("/v1/app-configurations", headers={"X-Request-ID": sent}),  # 401
    ):
        assert response.headers["x-request-id"] == sent


@pytest.mark.parametrize("sent", [None, "", "A" * 129, "has space", "back\\slash", '"quoted"', "é"])
def test_another_request_id_is_replaced(linkvault: InProcess, sent: str | None) -> None:
    headers = {} if sent is None else {"X-Request-ID": sent.encode("utf-8")}
    first = linkvault.http.get("/openapi.json", headers=headers).headers["x-request-id"]
    second = linkvault.http.get("/openapi.json", headers=headers).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_log_records_of_a_request_carry_its_id(
    unreachable: InProcess, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="linkvault"):
        unreachable.http.get(
            "/v1/app-configurations", headers={"X-Request-ID": "trace-me-1", "X-API-KEY": "k"}
        )
    records = [r for r in caplog.records if r.name.startswith("linkvault")]
    assert records
    assert all(getattr(record, "request_id", None) == "trace-me-1" for record in records)


def test_server_log_lines_carry_the_request_id(server_factory: ServerFactory) -> None:
    server = server_factory.start("request-ids")
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        echoed = http.get("/v1/app-configurations", headers={"X-Request-ID": "probe-42"})
        generated = http.get("/openapi.json").headers["x-request-id"]
    assert echoed.headers["x-request-id"] == "probe-42"
    server.stop()
    lines = server.log_text().splitlines()
    assert [
        line for line in lines if "/v1/app-configurations" in line and line.endswith(" request_id=probe-42")
    ]
    assert [line for line in lines if "/openapi.json" in line and line.endswith(f" request_id={generated}")]
    # Lines written outside any request (start-up, shut-down) carry none.
    assert any("request_id=" not in line for line in lines)
