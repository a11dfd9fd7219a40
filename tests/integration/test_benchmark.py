"""The benchmark (``nox -s bench``) still runs: the whole harness at a tiny size, on SQLite.

CI does not run the benchmark itself (minutes, and figures that mean something only on a quiet
machine); this keeps every scenario of it working: the servers start as users run them, wrk drives
them, the reference answers the same reads, the provider's counters prove one refresh per account and
one refresh for a storm, and the report is written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_every_scenario_at_a_tiny_size(tmp_path: Path) -> None:
    results, report = tmp_path / "results.json", tmp_path / "RESULTS.md"
    command = [
        sys.executable, "-m", "benchmarks.run", "--databases", "sqlite", "--accounts", "10",
        "--projects", "2", "--concurrency", "1", "--duration", "1", "--refresh-accounts", "3",
        "--storm", "5", "--callbacks", "3", "--grow-to", "30", "--json", str(results), "--results", str(report),
    ]  # fmt: skip
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert finished.returncode == 0, finished.stdout + finished.stderr

    [run] = json.loads(results.read_text())["runs"]
    assert run["database"] == "sqlite" and run["accounts"] == 10
    for server in ("linkvault", "reference"):
        point = run["hot"][server]["1"]
        assert point["requests"] > 0 and point["errors"] == 0
    assert run["refresh"]["1"]["provider_refreshes"] == 3 == run["refresh"]["1"]["accounts"]
    storm = run["storm"]
    assert storm["provider_refreshes"] == 1 == storm["sequence_moves"]
    assert storm["requests"] > storm["connections"] and storm["errors"] == 0
    assert run["start_link"]["1"]["requests"] > 0 and run["start_link"]["1"]["errors"] == 0
    assert run["callback"]["count"] == 3 and run["callback"]["provider_p50_ms"] > 0
    # Split by the server's own histograms, over the timed links but the first.
    split = run["callback"]["split"]
    assert split["provider_mean_ms"] > 0 and split["rest_of_app_ms"] > 0 and split["outside_app_ms"] > 0
    assert 0 < run["peak_rss_mb"]["linkvault"] < 1024
    assert all("SCAN" not in plan for plan in run["query_plans"].values())
    scale = run["scale"]
    assert (scale["accounts_before"], scale["accounts_after"]) == (10, 30)
    assert all(
        scale[when][name]["requests"] > 0 for when in ("before", "after") for name in ("hot", "start_link")
    )
    text = report.read_text()
    assert "| c | linkvault req/s |" in text and "| target | met | figures |" in text
    assert "Where a callback's time went" in text
    assert "start link at 30 accounts within 10% of 10" in text


def test_the_in_process_measure_reads_credentials_from_both_apps(tmp_path: Path) -> None:
    dump = tmp_path / "linkvault.prof"
    command = [
        sys.executable, "-m", "benchmarks.inprocess", "--requests", "20", "--profile", "linkvault",
        "--dump", str(dump),
    ]  # fmt: skip
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    # Two interleaved rounds, each a figure per app.
    assert finished.stdout.count("linkvault: wall") == 2 and finished.stdout.count("reference: wall") == 2
    assert dump.stat().st_size > 0
