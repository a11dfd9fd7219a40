"""The processes a benchmark runs: linkvault and the plain reference (pinned to one core), and wrk
(pinned to the other).

The servers run as users run them: ``linkvault serve`` with its production defaults (one worker,
uvicorn's access log at ``info``), the reference under uvicorn with the same defaults. Their output
goes to files; a pipe nobody reads would block a server that logs every request.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = [
    "LUA",
    "SERVER_CORE",
    "LoadPoint",
    "Server",
    "each_once",
    "hot_rounds",
    "outer_env",
    "pin",
    "pin_process",
    "require_wrk",
    "run_wrk",
    "start_server",
    "wait_until_ready",
]

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk.lua"
# The server gets core 0 to itself; the load generator, the harness and the test provider share core 1.
SERVER_CORE, LOAD_CORE = 0, 1
_START_TIMEOUT_SECONDS = 60.0


def _pinning() -> bool:
    return (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None


def pin(core: int) -> list[str]:
    """The ``taskset`` prefix that runs a command on ``core`` (none on a one-core machine)."""
    return ["taskset", "-c", str(core)] if _pinning() else []


def pin_process(pid: int, core: int) -> None:
    """Move every thread of a running process to ``core`` (e.g. the Node test provider)."""
    if not _pinning():
        return
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            os.sched_setaffinity(int(task.name), {core})
        except (ProcessLookupError, PermissionError):
            pass


def require_wrk() -> str:
    """The path of ``wrk``, installed from Debian's packages when missing and this process may."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("the benchmark needs wrk: `apt-get install wrk` (Debian's package)")
    return found


def outer_env() -> dict[str, str]:
    """This environment without any LINKVAULT_ or BENCH_ variable."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("LINKVAULT_", "BENCH_"))}


@dataclass
class Server:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    ready_path: str

    def peak_rss_mb(self) -> float:
        """The process's peak resident set size so far (VmHWM), in MiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM in /proc status")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    name: str, command: list[str], *, port: int, env: dict[str, str], log_dir: Path, ready_path: str
) -> Server:
    """Start a server on core 0; ``wait_until_ready`` waits for it."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [*pin(SERVER_CORE), *command],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    return Server(name=name, base_url=f"http://127.0.0.1:{port}", process=process, log_path=log_path,
                  ready_path=ready_path)  # fmt: skip


def wait_until_ready(*servers: Server) -> None:
    """Wait until each server's ready path answers (any status below 500); stop them all otherwise."""
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    for server in servers:
        while True:
            if server.process.poll() is not None:
                for other in servers:
                    other.stop()
                raise RuntimeError(
                    f"{server.name} exited with {server.process.returncode}:\n{server.log_path.read_text()[-3000:]}"
                )
            try:
                if httpx.get(server.base_url + server.ready_path, timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                for other in servers:
                    other.stop()
                raise RuntimeError(f"{server.name} did not start in {_START_TIMEOUT_SECONDS:.0f} s")
            time.sleep(0.05)


def linkvault_command(port: int, python: str = sys.executable) -> list[str]:
    """``linkvault serve`` on loopback with ``python`` (an interpreter with linkvault installed)."""
    return [python, "-m", "linkvault", "serve", "--host", "127.0.0.1", "--port", str(port)]


def reference_command(port: int, python: str = sys.executable) -> list[str]:
    """The plain reference under uvicorn with ``python``, run from the repository's root (it imports
    ``benchmarks.reference``)."""
    return [python, "-m", "uvicorn", "benchmarks.reference:app", "--host", "127.0.0.1",
            "--port", str(port), "--log-level", "info"]  # fmt: skip


@dataclass(frozen=True)
class LoadPoint:
    """One wrk run: requests per second, latency percentiles in milliseconds, failed requests."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def hot_rounds(duration: float, rounds: int) -> tuple[int, int]:
    """How many rounds a hot-path point takes and how many seconds each (wrk counts whole seconds):
    ``rounds`` sharing ``duration``, or one round in a smoke run (``duration`` of a second)."""
    rounds = rounds if duration > 1 else 1
    return rounds, max(1, round(duration / rounds))


def run_wrk(base_url: str, targets: Path, *, concurrency: int, duration: float) -> LoadPoint:
    """Drive ``base_url`` for ``duration`` seconds with the requests in ``targets`` (cycling through
    them) at ``concurrency`` connections."""
    command = [
        *pin(LOAD_CORE), require_wrk(), "-t1", f"-c{concurrency}", f"-d{max(1, round(duration))}s",
        "--timeout", "10s", "-s", str(LUA), base_url, "--", str(targets),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=duration + 60)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    data = json.loads(lines[-1])
    return LoadPoint(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors=sum(data["errors"].values()),
    )


async def each_once(
    base_url: str, paths: list[str], *, headers: dict[str, str], concurrency: int
) -> LoadPoint:
    """GET every path exactly once, ``concurrency`` at a time over as many kept-alive connections.

    wrk cannot send a fixed set of requests once (it runs for a duration); this is for scenarios
    where each request must reach another account, such as reads that must refresh."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                path = queue.get_nowait()
                began = time.perf_counter()
                response = await client.get(path)
                latencies.append((time.perf_counter() - began) * 1000)
                errors += response.status_code >= 400

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    latencies.sort()
    return LoadPoint(
        requests=len(latencies),
        seconds=seconds,
        p50_ms=latencies[len(latencies) // 2],
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        max_ms=latencies[-1],
        errors=errors,
    )
