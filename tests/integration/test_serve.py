"""``linkvault serve`` as operators run it: several workers sharing one /metrics, and behind a proxy.

(The refusal of plain http on a non-loopback host is argument handling, tested in-process in
tests/unit/test_cli_usage.py.)
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import httpx
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from support.server import ServerFactory

REQUESTS = "linkvault_http_requests"


def _scraped_requests(base_url: str) -> float:
    """linkvault_http_requests_total of /healthz as one scrape answers it."""
    text = httpx.get(base_url + "/metrics", timeout=30).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == REQUESTS
        for sample in family.samples
        if sample.labels.get("operation") == "get_healthz"
    )


def _per_worker_requests(metrics_dir: Path) -> dict[int, float]:
    """Each worker's own count of /healthz answers, read from the files it writes."""
    counts = {}
    for path in metrics_dir.glob("counter_*.db"):
        pid = int(path.stem.removeprefix("counter_"))
        counts[pid] = sum(
            sample.value
            for metric in MultiProcessCollector.merge([str(path)])
            if metric.name == REQUESTS
            for sample in metric.samples
            if sample.labels.get("operation") == "get_healthz" and sample.name.endswith("_total")
        )
    return counts


def test_two_workers_serve_and_metrics_add_up_across_them(server_factory: ServerFactory, tmp_path: Path):
    server = server_factory.start(
        "workers", serve_args=["--workers", "2"], extra_env={"TMPDIR": str(tmp_path)}
    )
    (metrics_dir,) = tmp_path.glob("linkvault-metrics-*")  # serve's private multiprocess directory
    # The server answers once one worker is up; the other may still be importing.
    deadline = time.monotonic() + 60
    while True:
        workers = set(map(int, re.findall(r"Started server process \[(\d+)\]", server.log_text())))
        if len(workers) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(workers) == 2, server.log_text()

    # A new connection each time, so that the kernel hands requests to both workers.
    sent = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for _ in range(10):
            assert httpx.get(server.base_url + "/healthz", timeout=30).status_code == 200
        sent += 10
        per_worker = _per_worker_requests(metrics_dir)
        if len([count for count in per_worker.values() if count > 0]) == 2:
            break

    assert set(per_worker) == workers and all(count > 0 for count in per_worker.values()), per_worker
    # A request is counted as its answer finishes, which may be just after the client has it.
    deadline = time.monotonic() + 10
    while sum(per_worker.values()) < sent and time.monotonic() < deadline:
        time.sleep(0.05)
        per_worker = _per_worker_requests(metrics_dir)
    assert sum(per_worker.values()) == sent
    # Whichever worker answers a scrape, it reports the sum of both.
    assert {_scraped_requests(server.base_url) for _ in range(6)} == {sent}

    # A worker killed outright leaves its files; its live gauge (connections in use) is dropped at
    # the next scrape, its counters stay in the sum (counters never go down).
    killed, survivor = sorted(workers)
    assert (metrics_dir / f"gauge_livesum_{killed}.db").exists()
    os.kill(killed, signal.SIGKILL)
    # Until uvicorn has reaped it: a zombie still counts as a process. uvicorn looks every half second,
    # but a worker killed while it was being asked for its health check is noticed only once that
    # question times out (`serve`'s 60 s, cli._WORKER_HEALTHCHECK_SECONDS).
    deadline = time.monotonic() + 75
    while Path(f"/proc/{killed}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{killed}").exists(), "uvicorn did not reap the killed worker"
    assert _scraped_requests(server.base_url) == sent
    assert not (metrics_dir / f"gauge_livesum_{killed}.db").exists()
    assert (metrics_dir / f"gauge_livesum_{survivor}.db").exists()

    # uvicorn replaces the killed worker; once the replacement serves, the server stops cleanly.
    deadline = time.monotonic() + 90
    while server.log_text().count("Application startup complete") < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.log_text().count("Application startup complete") == 3, server.log_text()
    server.stop()
    assert not metrics_dir.exists()  # removed with the server


def test_forwarded_headers_are_honoured_only_from_allowed_proxies(server_factory: ServerFactory):
    server = server_factory.start(
        "proxied", serve_args=["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
    )
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    # A trailing slash is answered with a redirect to the absolute URL without it, built from the
    # request's scheme: what linkvault believes the scheme is shows in Location.
    with httpx.Client(base_url=server.base_url, timeout=30) as proxy:
        trusted = proxy.get("/healthz/", headers={**forwarded, "X-Request-ID": "from-the-proxy"})
    other_address = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=server.base_url, timeout=30, transport=other_address) as stranger:
        untrusted = stranger.get("/healthz/", headers={**forwarded, "X-Request-ID": "from-a-stranger"})

    assert trusted.status_code == untrusted.status_code == 307
    assert trusted.headers["location"].startswith("https://")
    assert untrusted.headers["location"].startswith("http://")
    server.stop()
    log = server.log_text().splitlines()
    # The access log names the client the trusted proxy reported, and the stranger's own address.
    assert [line for line in log if "203.0.113.7:" in line and line.endswith("request_id=from-the-proxy")]
    assert [line for line in log if "127.0.0.2:" in line and line.endswith("request_id=from-a-stranger")]
    # An operator starting the server sees no warning about libraries it uses internally.
    assert not [line for line in log if "Warning" in line or line.startswith("WARNING")], log
