"""The `linkvault` command's help and usage errors. Argument parsing needs no database and no process
of its own, so these call ``linkvault.cli.main`` in-process (the commands themselves are run as a user
runs them in ``tests/integration/test_cli.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from linkvault.cli import MULTIPROCESS_VARIABLE, main

COMMANDS = [
    ["serve"], ["db", "upgrade"], ["db", "prune"], ["projects", "create"], ["projects", "list"],
    ["api-keys", "create"], ["api-keys", "list"], ["api-keys", "revoke"], ["keys", "generate"],
    ["keys", "rotate"], ["accounts", "list"], ["accounts", "show"], ["config", "check"], ["events", "list"],
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


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_workers_must_be_a_positive_number(capsys: pytest.CaptureFixture[str], value: str) -> None:
    status, out, err = _run(capsys, "serve", "--workers", value)

    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and "--workers" in err, err


@pytest.mark.parametrize(
    "args",
    [
        ("serve", "--port", "99999"),
        ("serve", "--port", "-5"),
        ("serve", "--port", "0"),
        ("events", "list", "--project", "00000000-0000-0000-0000-000000000000", "--limit", "0"),
        ("events", "list", "--project", "00000000-0000-0000-0000-000000000000", "--limit", "-1"),
    ],
    ids=["port-too-high", "port-negative", "port-zero", "limit-zero", "limit-negative"],
)
def test_numbers_out_of_range_are_usage_errors(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    status, out, err = _run(capsys, *args)

    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and args[-2] in err, err


@pytest.mark.parametrize("args", [("accounts", "list", "--project", "x"), ("serve", "--port", "x")])
def test_a_usage_error_names_the_command_as_typed(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    _, _, err = _run(capsys, *args)

    command = "linkvault " + " ".join(args[: 2 if args[0] == "accounts" else 1])
    assert err.startswith(command + ": "), err
    assert "[-h]" not in err and "COMMAND" not in err, err


EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 (what serve must refuse over plain http)


class _Started(Exception):
    """Raised by the stand-in for uvicorn.run: serve got as far as starting the server."""


@pytest.fixture
def serve_stand_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, object]:
    """``serve`` on a fresh SQLite database, with uvicorn.run and the log configuration replaced by
    recorders: the test process keeps its own logging and starts no server."""
    import logging.config

    import uvicorn

    for name in list(os.environ):
        if name.startswith("LINKVAULT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINKVAULT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}")
    seen: dict[str, object] = {}

    def run(app: object, **options: object) -> None:
        seen.update(options)
        raise _Started()

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setattr(logging.config, "dictConfig", lambda config: seen.update(log_config=config))
    return seen


@pytest.mark.parametrize("host", [EVERY_INTERFACE, "192.0.2.10", "::", "links.example"])
def test_plain_http_on_a_non_loopback_host_is_refused(
    capsys: pytest.CaptureFixture[str], serve_stand_in: dict[str, object], host: str
) -> None:
    status, out, err = _run(capsys, "serve", "--host", host)

    assert status == 1
    assert out == ""
    assert err.startswith(f"linkvault: refusing to serve plain http on {host} ") and "--insecure" in err
    assert len(err.splitlines()) == 1, err
    assert serve_stand_in == {}  # nothing was started, not even the logging


@pytest.mark.parametrize(
    ("host", "args", "public_url"),
    [
        (EVERY_INTERFACE, ["--insecure"], None),
        (EVERY_INTERFACE, [], "https://links.example"),
        ("127.0.0.1", [], None),
        ("::1", [], "http://[::1]:8000"),
        ("::ffff:127.0.0.1", [], None),
        ("localhost", [], None),
    ],
    ids=["insecure", "https-public-url", "loopback", "ipv6-loopback", "ipv4-mapped-loopback", "localhost"],
)
def test_serve_starts_on_loopback_with_https_or_when_told_insecure(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    serve_stand_in: dict[str, object],
    host: str,
    args: list[str],
    public_url: str | None,
) -> None:
    if public_url is not None:
        monkeypatch.setenv("LINKVAULT_PUBLIC_URL", public_url)

    with pytest.raises(_Started):
        main(["serve", "--host", host, "--proxy-headers", "--forwarded-allow-ips", "10.0.0.1", *args])

    assert serve_stand_in["host"] == host
    assert serve_stand_in["proxy_headers"] is True
    assert serve_stand_in["forwarded_allow_ips"] == "10.0.0.1"
    assert "workers" not in serve_stand_in  # one worker runs the application object itself
    # uvloop accepts one new connection per loop iteration: on a busy worker new clients starved.
    assert serve_stand_in["loop"] == "asyncio"


@pytest.mark.parametrize(
    ("host", "derived"), [("::1", "http://[::1]:8000"), ("127.0.0.1", "http://127.0.0.1:8000")]
)
def test_the_public_url_derived_from_an_ipv6_host_has_brackets(
    monkeypatch: pytest.MonkeyPatch, serve_stand_in: dict[str, object], host: str, derived: str
) -> None:
    """Without LINKVAULT_PUBLIC_URL the redirect URI is built from --host and --port: an IPv6 address
    in a URL goes in brackets (RFC 3986 §3.2.2), or the provider is sent http://::1:8000."""
    import linkvault.app

    monkeypatch.delenv("LINKVAULT_PUBLIC_URL", raising=False)
    served: list[str] = []
    monkeypatch.setattr(
        linkvault.app, "create_app_for_serving", lambda settings: served.append(settings.public_url)
    )
    with pytest.raises(_Started):
        main(["serve", "--host", host])

    assert served == [derived]


def test_the_refusal_of_an_ipv6_host_shows_the_url_it_derived(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, serve_stand_in: dict[str, object]
) -> None:
    monkeypatch.delenv("LINKVAULT_PUBLIC_URL", raising=False)
    status, _out, err = _run(capsys, "serve", "--host", "::")

    assert status == 1
    assert "(LINKVAULT_PUBLIC_URL is http://[::]:8000)" in err


def test_every_worker_runs_on_asyncio_s_loop(
    monkeypatch: pytest.MonkeyPatch, serve_stand_in: dict[str, object]
) -> None:
    """With uvloop a busy worker accepted one new connection per loop iteration, so a client arriving
    at a loaded server waited seconds (benchmarks/README.md); each of several workers is started the
    same way as one."""
    # serve hands the public URL to its workers through the environment: restored after the test.
    monkeypatch.setenv("LINKVAULT_PUBLIC_URL", "http://127.0.0.1:8000")
    monkeypatch.delenv(MULTIPROCESS_VARIABLE, raising=False)
    with pytest.raises(_Started):
        main(["serve", "--workers", "2"])

    assert serve_stand_in["workers"] == 2
    assert serve_stand_in["loop"] == "asyncio"
    # The metrics directory serve made for its workers is removed, and so is its name: a server this
    # process starts next must not be handed a directory that is gone.
    assert MULTIPROCESS_VARIABLE not in os.environ
