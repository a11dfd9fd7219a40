"""The settings: their documentation, validation, unknown names and masking."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linkvault.errors import ConfigurationError
from linkvault.settings import Settings, effective_settings, load_settings, settings_table, unknown_variables

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_the_settings_class():
    found = re.search(
        r"<!-- settings-table:start -->\n(.*?)<!-- settings-table:end -->", README.read_text(), re.S
    )

    assert found is not None, "README.md lost its settings-table markers"
    assert found.group(1) == settings_table(), (
        "README.md's settings table is stale: run `nox -s settings_table`"
    )


def test_every_setting_is_described():
    assert all(field.description for field in Settings.model_fields.values())


def test_an_invalid_value_names_the_variable_and_the_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINKVAULT_STATE_TTL_SECONDS", "0")
    monkeypatch.setenv("LINKVAULT_DATABASE_URL", "mysql://db/linkvault")
    monkeypatch.setenv("LINKVAULT_METRICS_BEARER_TOKEN", "short")

    with pytest.raises(ConfigurationError) as raised:
        load_settings()

    assert "LINKVAULT_STATE_TTL_SECONDS: Input should be greater than 0" in raised.value.message
    # Counted in characters, not pydantic's "items".
    assert "LINKVAULT_METRICS_BEARER_TOKEN: must be 16 characters or more" in raised.value.message
    assert (
        "LINKVAULT_DATABASE_URL: must be sqlite+aiosqlite:// or postgresql+asyncpg://" in raised.value.message
    )


def test_a_metrics_token_no_request_could_send_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """HTTP drops whitespace around a header's value, so such a token would answer 401 to everyone."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINKVAULT_METRICS_BEARER_TOKEN", " padded-token-of-20c ")

    with pytest.raises(ConfigurationError) as raised:
        load_settings()

    assert "LINKVAULT_METRICS_BEARER_TOKEN: must not begin or end with whitespace" in raised.value.message


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("sqlite+aiosqlite:///:memory:", "an SQLite database must be a file"),
        ("sqlite+aiosqlite://", "an SQLite database must be a file"),
        ("sqlite+aiosqlite:///", "an SQLite database must be a file"),
        # Not int()'s words ("invalid literal for int() with base 10"): the rule and how to write it.
        ("postgresql+asyncpg://linkvault@[::1:5432/linkvault", "the port is not a number"),
        ("postgresql+asyncpg://linkvault@db:port/lv", "the port is not a number"),
        ("postgresql+asyncpg://linkvault@db:99999/lv", "the port must be 1 to 65535"),
        ("sqlite+aiosqlite:////tmp/lv.db?timeout=abc", "an SQLite URL takes no query parameters (timeout)"),
        (
            "postgresql+asyncpg://linkvault@/lv?host=db1:5432&host=db2:99999",
            "the query parameter host must be a host name with a port from 1 to 65535",
        ),
        (
            "postgresql+asyncpg://linkvault@/lv?host=db1:0",
            "the query parameter host must be a host name with a port from 1 to 65535",
        ),
        (
            "postgresql+asyncpg://linkvault@/lv?host=db1&host=db2:5432",
            "the query parameter host must give a port on every host or on none",
        ),
        ("postgresql+asyncpg://linkvault@db/lv?host=%00", "must not hold control characters"),
        (
            "postgresql+asyncpg://linkvault@db/lv?statement_cache_size=%C2%B2",
            "the query parameter statement_cache_size must be a whole number",
        ),
    ],
)
def test_a_database_url_that_cannot_work_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, rule: str
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINKVAULT_DATABASE_URL", url)

    with pytest.raises(ConfigurationError) as raised:
        load_settings()

    assert f"LINKVAULT_DATABASE_URL: {rule}" in raised.value.message
    assert "int()" not in raised.value.message


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("https://lv.example.com?x=1", "must not have a query string (?) or a fragment (#)"),
        ("https://lv.example.com/#frag", "must not have a query string (?) or a fragment (#)"),
        ("https://lv.example.com/base?", "must not have a query string (?) or a fragment (#)"),
        ("https://user:pw@lv.example.com", "must not have a user name or password (user:password@)"),
        ("https://user@lv.example.com/base", "must not have a user name or password (user:password@)"),
        ("https:///path", "must name a host (https://linkvault.example.com)"),
        ("https://lv.example.com:99999", "the port must be a number from 1 to 65535"),
        ("https://lv.example.com:abc", "the port must be a number from 1 to 65535"),
        ("https://lv.example.com/a b", "must not hold spaces or control characters"),
        ("HTTPS://lv.example.com", "write the scheme in lower case (https://)"),
        ("http://127.0.0.1:0", "the port must be a number from 1 to 65535"),
        ("http://[::1]x/", "must have nothing but a port after an IPv6 address's brackets"),
        ("http://host\\evil.com/", "must not hold a backslash (browsers read it as /)"),
        ("http://%20/", "must not hold a % in its host (no encoded characters, no IPv6 zone)"),
        ("http://[::1%eth0]/", "must not hold a % in its host (no encoded characters, no IPv6 zone)"),
        ("http://-/", "must name a host (letters, digits, hyphens and dots: https://linkvault.example.com)"),
        ("http://[v1.x]/", "must hold an IPv6 address in its brackets, without a zone (http://[::1]:8000)"),
        ("http://exämple.com", "write an internationalized host name in its ASCII form (xn--...)"),
        ("http://lv.example.com/%zz", "must not hold a % that is not a percent-encoding (%XX)"),
    ],
)
def test_a_public_url_paths_cannot_be_appended_to_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, rule: str
):
    """The redirect URI is the public URL with a path appended: after a query or a fragment the path
    would land inside it (https://lv.example.com?x=1/v1/linked-accounts/oauth2/callback)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINKVAULT_PUBLIC_URL", url)

    with pytest.raises(ConfigurationError) as raised:
        load_settings()

    assert raised.value.message == f"invalid configuration: LINKVAULT_PUBLIC_URL: {rule}"
    assert "pw" not in raised.value.message


@pytest.mark.parametrize(
    "url",
    [
        "https://lv.example.com",
        "https://lv.example.com/base/",
        "http://[::1]:8000",
        "http://127.0.0.1:8000",
        "https://xn--exmple-cua.example:8443/a%20b",
        "http://linkvault_app:8000",  # a compose service's name
        "https://LinkVault.Example.com",
    ],
)
def test_a_public_url_with_a_path_is_kept(url: str):
    settings = Settings(public_url=url)

    assert settings.default_redirect_uri == url.rstrip("/") + "/v1/linked-accounts/oauth2/callback"


@pytest.mark.parametrize(
    ("variable", "value", "rule"),
    [
        ("LINKVAULT_DATABASE_POOL_SIZE", "0", "Input should be greater than or equal to 1"),
        ("LINKVAULT_DATABASE_POOL_SIZE", "20000", "Input should be less than or equal to 1000"),
        ("LINKVAULT_DATABASE_MAX_OVERFLOW", "-1", "Input should be greater than or equal to 0"),
        ("LINKVAULT_DATABASE_MAX_OVERFLOW", "10000", "Input should be less than or equal to 1000"),
    ],
)
def test_a_pool_size_out_of_bounds_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str, rule: str
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigurationError) as raised:
        load_settings()

    assert raised.value.message == f"invalid configuration: {variable}: {rule}"


def test_the_pool_is_sized_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINKVAULT_DATABASE_POOL_SIZE", "5")
    monkeypatch.setenv("LINKVAULT_DATABASE_MAX_OVERFLOW", "0")

    settings = load_settings()

    assert (settings.database_pool_size, settings.database_max_overflow) == (5, 0)
    assert (
        Settings.model_fields["database_pool_size"].default,
        Settings.model_fields["database_max_overflow"].default,
    ) == (20, 10)


@pytest.mark.parametrize("query", ["sslmode=require", "ssl=verify-full", "connect_timeout=5"])
def test_a_postgresql_url_may_require_tls_as_libpq_says_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, query: str
):
    monkeypatch.chdir(tmp_path)
    url = f"postgresql+asyncpg://linkvault:hunter2@db.internal/linkvault?{query}"
    monkeypatch.setenv("LINKVAULT_DATABASE_URL", url)

    assert load_settings().database_url == url


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ("bogus=1", "the query parameter bogus is not supported (supported: "),
        ("sslrootcert=/ca.pem", "the query parameter sslrootcert is not supported (supported: "),
        ("sslmode=verify_full", "the query parameter sslmode must be one of disable, allow, prefer, "),
    ],
)
def test_a_postgresql_url_query_asyncpg_would_not_take_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, query: str, rule: str
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINKVAULT_DATABASE_URL", f"postgresql+asyncpg://u:hunter2@db.internal/lv?{query}")

    with pytest.raises(ConfigurationError) as raised:
        load_settings()

    assert raised.value.message.startswith(f"invalid configuration: LINKVAULT_DATABASE_URL: {rule}")
    assert "\n" not in raised.value.message and "hunter2" not in raised.value.message


def test_a_secret_value_is_never_in_the_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINKVAULT_PUBLIC_URL", "secret-looking-value")

    with pytest.raises(ConfigurationError) as raised:
        load_settings()

    assert "LINKVAULT_PUBLIC_URL" in raised.value.message
    assert "secret-looking-value" not in raised.value.message


def test_unknown_names_are_warned_about_with_the_nearest_setting(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text("LINKVAULT_PUBLIC_ULR=http://x\nOTHER=1\n")

    warnings = unknown_variables(
        {"LINKVAULT_DATABSE_URL": "x", "LINKVAULT_FOO": "1", "LINKVAULT_STATE_TTL_SECONDS": "5", "PATH": "/"},
        env_file,
    )

    assert warnings == [
        "LINKVAULT_DATABSE_URL is not a linkvault setting and is ignored (did you mean LINKVAULT_DATABASE_URL?)",
        "LINKVAULT_FOO is not a linkvault setting and is ignored",
        "LINKVAULT_PUBLIC_ULR is not a linkvault setting and is ignored (did you mean LINKVAULT_PUBLIC_URL?)",
    ]


def test_effective_settings_mask_the_secrets():
    settings = Settings(
        database_url="postgresql+asyncpg://linkvault:hunter2@db.internal/linkvault",
        encryption_keys="the-key",
    )

    shown = effective_settings(settings)

    assert shown["LINKVAULT_ENCRYPTION_KEYS"] == "***"
    assert shown["LINKVAULT_DATABASE_URL"] == "postgresql+asyncpg://linkvault:***@db.internal/linkvault"
    assert "hunter2" not in repr(shown) and "the-key" not in repr(shown)
    assert set(shown) == {f"LINKVAULT_{name.upper()}" for name in Settings.model_fields}
