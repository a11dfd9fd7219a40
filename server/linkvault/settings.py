"""The one place that reads configuration (``LINKVAULT_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///linkvault.db"


class Settings(BaseSettings):
    """linkvault's configuration; tests build it explicitly instead of through the environment."""

    model_config = SettingsConfigDict(env_prefix="LINKVAULT_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    # Comma-separated Fernet keys; the first encrypts, all decrypt (rotation). On an SQLite database
    # a key is generated beside the database file when none is given.
    encryption_keys: SecretStr | None = None
    # The externally visible base URL; the default redirect URI is its GET callback.
    public_url: str = "http://127.0.0.1:8000"
    state_ttl_seconds: int = Field(default=600, gt=0, le=86_400)
    http_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    # An access token expiring within this many seconds is refreshed before it is handed out; the
    # leeway is capped at half the token's lifetime (see linkvault.engine.refresh.is_due).
    refresh_leeway_seconds: int = Field(default=300, ge=0, le=86_400)
    # `linkvault serve` deletes expired and used link states this often, a batch at a time.
    prune_interval_seconds: float = Field(default=300.0, gt=0, le=86_400)

    @property
    def default_redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + "/v1/linked-accounts/oauth2/callback"
