"""Runs the ``linkvault`` command as a user would, in a process of its own."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["run_linkvault"]


def run_linkvault(
    *args: str, env: Mapping[str, str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``linkvault <args>`` with exactly ``env``; its exit status, stdout and stderr, never raising on
    a failure (the tests assert the failures)."""
    return subprocess.run(
        [sys.executable, "-m", "linkvault", *args],
        env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
