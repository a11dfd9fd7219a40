"""Runs the ``linkvault`` command as a user would: its arguments, exactly the given environment and
working directory, and what it writes on stdout and stderr.

Most commands run in this process through ``linkvault.cli.main``: a new interpreter spends seconds
importing SQLAlchemy, Alembic and httpx on a small machine, and the command's own behaviour is the
same. ``serve`` (it starts uvicorn and sets variables for its workers) and callers that need
separate processes (replicas migrating at once) use :func:`run_linkvault_process`; the README test
runs the installed entry point as written.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from linkvault.cli import main

__all__ = ["run_linkvault", "run_linkvault_process"]

# One command at a time in this process: the environment, the working directory, sys.stdout and the
# root logger are process-wide.
_ONE_AT_A_TIME = threading.Lock()


def run_linkvault(
    *args: str, env: Mapping[str, str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``linkvault <args>`` with exactly ``env`` (and ``cwd``, where a ``.env`` file is read): its exit
    status, stdout and stderr, never raising on a failure the command reports (the tests assert them).

    An exception that escapes ``main`` propagates: it is the traceback a user would have seen."""
    if args[:1] == ("serve",):
        return run_linkvault_process(*args, env=env, cwd=cwd, timeout=timeout)
    out, err = io.StringIO(), io.StringIO()
    with (
        _ONE_AT_A_TIME,
        _environment(env),
        contextlib.chdir(cwd or Path.cwd()),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        _fresh_root_logger(),
    ):
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors and --help
            status = exit_.code if isinstance(exit_.code, int) else 1
    return subprocess.CompletedProcess(["linkvault", *args], status, out.getvalue(), err.getvalue())


def run_linkvault_process(
    *args: str, env: Mapping[str, str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``linkvault <args>`` in a process of its own with exactly ``env``; like :func:`run_linkvault`."""
    return subprocess.run(
        [sys.executable, "-m", "linkvault", *args],
        env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _fresh_root_logger() -> Iterator[None]:
    """The root logger as a new process has it, so that ``main``'s ``logging.basicConfig`` writes to
    the captured stderr as it would to a terminal; pytest's handlers come back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
