"""Where a profile's time goes, by package: ``python -m benchmarks.profile_summary FILE.txt``.

Reads py-spy's collapsed stacks (``run.py --profile``) and attributes each sample to the package of its
innermost frame (its own time), so that the share of Connexion, Starlette, uvicorn, SQLAlchemy, the
database driver, logging, cryptography and linkvault itself can be compared. Threads other than the
event loop's (aiosqlite's worker threads) are counted apart.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

__all__ = ["summarise"]

_PACKAGE = re.compile(r"\(([^/]+?)(?:/|\.py|:)")


def _package(frame: str) -> str:
    match = _PACKAGE.search(frame)
    if match is None:
        return "?"
    name = match.group(1)
    return {"<frozen runpy>": "python", "asyncio": "asyncio"}.get(name, name)


def summarise(path: Path) -> list[tuple[str, float]]:
    """(package, share of the event loop thread's samples) by own time, largest first; aiosqlite's
    worker threads as one line (its samples are mostly waiting for work)."""
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [frame for frame in stack.split(";") if frame.strip()]
        if not frames:
            continue
        samples = int(count)
        total += samples
        if any("_connection_worker_thread" in frame for frame in frames):
            own["(aiosqlite worker threads)"] += samples
        else:
            own[_package(frames[-1])] += samples
    return [(package, samples / total) for package, samples in own.most_common()] if total else []


if __name__ == "__main__":
    for package, share in summarise(Path(sys.argv[1])):
        print(f"{share * 100:5.1f}%  {package}")
