"""The `linkvault` command's help and usage errors. Argument parsing needs no database and no process
of its own, so these call ``linkvault.cli.main`` in-process (the commands themselves are run as a user
runs them in ``tests/integration/test_cli.py``)."""

from __future__ import annotations

import pytest

from linkvault.cli import main

COMMANDS = [
    ["serve"], ["db", "upgrade"], ["db", "prune"], ["projects", "create"], ["projects", "list"],
    ["api-keys", "create"], ["api-keys", "list"], ["api-keys", "revoke"], ["keys", "generate"],
    ["keys", "rotate"], ["accounts", "list"], ["accounts", "show"], ["config", "check"],
]  # fmt: skip


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        status = main(list(args))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_help_lists_every_command_once(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "--help")

    assert status == 0
    for words in COMMANDS:
        assert sum(line.split()[: len(words)] == words for line in out.splitlines()) == 1, words


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str], words: list[str]) -> None:
    status, out, _ = _run(capsys, *words, "--help")

    assert status == 0
    assert f"example:\n  linkvault {' '.join(words)}" in out or "LINKVAULT_ENCRYPTION_KEYS" in out


@pytest.mark.parametrize(
    "args",
    [(), ("projects",), ("api-keys", "list", "not-a-uuid"), ("accounts", "list"), ("nope",)],
    ids=["nothing", "no-subcommand", "bad-uuid", "missing-option", "unknown"],
)
def test_a_usage_error_is_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    status, out, err = _run(capsys, *args)

    assert status == 2
    assert len(err.splitlines()) == 1, err
    assert out == ""
