"""Project tasks. A bare `nox` runs lint, typecheck, sdk_check and the tests on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "sdk_check", "tests"]
nox.options.reuse_venv = "yes"

PYPROJECT = nox.project.load_toml("pyproject.toml")
SPEC = "openapi/openapi.yaml"
SDK_CONFIG = "openapi/sdk-config.yaml"
# Templates that replace the generator's own (only README.md.jinja: sdk/README.md is ours).
SDK_TEMPLATES = "openapi/sdk-templates"
POSTGRES_URL = os.environ.get(
    "LINKVAULT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def _install_project(session: nox.Session, *groups: str) -> None:
    session.install("-e", ".", "-e", "./sdk")
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


@nox.session
def lint(session: nox.Session) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("openapi-spec-validator", SPEC)


@nox.session
def typecheck(session: nox.Session) -> None:
    _install_project(session, "typecheck")
    session.run("mypy")


def _generate_sdk(session: nox.Session, output: Path) -> None:
    session.run(
        "openapi-python-client", "generate", "--path", SPEC, "--config", SDK_CONFIG,
        "--custom-template-path", SDK_TEMPLATES,
        "--meta", "pdm", "--fail-on-warning", "--overwrite", "--output-path", str(output),
    )  # fmt: skip
    shutil.rmtree(output / ".ruff_cache", ignore_errors=True)


@nox.session
def sdk(session: nox.Session) -> None:
    """Regenerate sdk/ from the spec."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "sdk"))
    _generate_sdk(session, Path("sdk"))


@nox.session
def sdk_check(session: nox.Session) -> None:
    """Fail when the committed sdk/ differs from what the spec generates."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "sdk"))
    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp) / "sdk"
        _generate_sdk(session, generated)
        session.run(
            "diff",
            "-r",
            "-u",
            "-x",
            "__pycache__",
            "-x",
            "*.egg-info",
            "-x",
            ".pdm-build",
            str(generated),
            "sdk",
            external=True,
        )


@nox.session
@nox.parametrize("database", ["sqlite", "postgresql"])
def tests(session: nox.Session, database: str) -> None:
    """The whole pytest suite, on the embedded SQLite default or on PostgreSQL."""
    _install_project(session, "test")
    env = {"LINKVAULT_TEST_DATABASE_URL": POSTGRES_URL} if database == "postgresql" else {}
    # What the database cannot change runs once, on SQLite (tests/conftest.py: STORAGE_INDEPENDENT).
    only = ["-m", "not storage_independent"] if database == "postgresql" else []
    # Two workers (each with its own database, servers and test provider), a test module per worker at
    # a time so that module fixtures are built once; `nox -s tests -- -n0` runs in one process.
    session.run("pytest", "-n", "2", "--dist", "loadfile", *only, *session.posargs, env=env)


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmark (benchmarks/README.md): linkvault against a plain reference on SQLite and PostgreSQL,
    then each database grown to 1,000,000 accounts, about seven minutes; writes benchmarks/RESULTS.md,
    results.json and results.png. Not run by a bare
    `nox`; needs wrk (Debian's package, installed when missing and running as root) and Node.js.
    `nox -s bench -- --databases sqlite --duration 3` passes options on (`python -m benchmarks.run -h`)."""
    _install_project(session, "test", "bench")
    # The servers run as users install linkvault: an environment of its runtime dependencies only
    # (the harness's test dependencies, imported by the servers, would count in their memory).
    server_env = Path(session.virtualenv.location).with_name("bench-server")
    session.run("uv", "venv", "--quiet", "--allow-existing", str(server_env), external=True)
    server_python = str(server_env / "bin" / "python")
    session.run("uv", "pip", "install", "--quiet", "--python", server_python, ".", external=True)
    session.run(
        "python", "-m", "benchmarks.run", "--results", "benchmarks/RESULTS.md", "--plot",
        "benchmarks/results.png", "--json", "benchmarks/results.json", "--server-python", server_python,
        "--grow-to", "1000000", *session.posargs,
    )  # fmt: skip


_AUTOGENERATE = """
import asyncio, sys, tempfile
from pathlib import Path
from linkvault.store.database import create_engine
from linkvault.store.migrate import autogenerate_revision

async def main():
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(scratch) / 'scratch.db'}")
        try:
            print(await autogenerate_revision(engine, message=sys.argv[1]))
        finally:
            await engine.dispose()

asyncio.run(main())
"""


@nox.session
def migration(session: nox.Session) -> None:
    """Write a new migration from the models: `nox -s migration -- "add linked account status"`.

    It is generated against a scratch SQLite database at the newest shipped revision; read it, then
    the migrations-equal-models test on both databases keeps it honest."""
    if len(session.posargs) != 1:
        session.error('give the migration\'s message: nox -s migration -- "what it changes"')
    _install_project(session)
    session.run("python", "-c", _AUTOGENERATE, session.posargs[0])


@nox.session
def contract(session: nox.Session) -> None:
    """The Schemathesis suite; set LINKVAULT_CONTRACT_URL and LINKVAULT_CONTRACT_API_KEY to test another server."""
    _install_project(session, "test")
    session.run("pytest", "tests/contract", *session.posargs)


_SETTINGS_TABLE = """
import re, sys
from pathlib import Path
from linkvault.settings import settings_table

readme = Path("README.md")
start, end = "<!-- settings-table:start -->", "<!-- settings-table:end -->"
text = readme.read_text()
pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
if not pattern.search(text):
    sys.exit(f"README.md has no {start} ... {end} markers")
readme.write_text(pattern.sub(lambda _: start + "\\n" + settings_table() + end, text))
"""


@nox.session
def settings_table(session: nox.Session) -> None:
    """Regenerate README.md's table of settings from linkvault.settings.Settings (a unit test compares)."""
    _install_project(session)
    session.run("python", "-c", _SETTINGS_TABLE)


_REFINEMENTS = """
import re, sys
from pathlib import Path
import yaml

description = yaml.safe_load(Path("openapi/openapi.yaml").read_text())["info"]["description"]
found = re.search(r"Compatible refinements of the seeds:\\n(.*?)\\n\\n", description, re.S)
if found is None:
    sys.exit("openapi/openapi.yaml's info.description lost its 'Compatible refinements of the seeds:' list")
page = Path("docs/api.md")
start, end = "<!-- refinements:start -->", "<!-- refinements:end -->"
pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
if not pattern.search(page.read_text()):
    sys.exit(f"docs/api.md has no {start} ... {end} markers")
page.write_text(pattern.sub(lambda _: start + "\\n" + found.group(1) + "\\n" + end, page.read_text()))
"""


@nox.session
def docs(session: nox.Session) -> None:
    """Copy the spec's list of refinements to the seeds into docs/api.md (a unit test compares)."""
    session.install("pyyaml")
    session.run("python", "-c", _REFINEMENTS)
