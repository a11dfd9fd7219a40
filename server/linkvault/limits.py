"""Lengths shared by the tables, the engine's checks and the spec (a test holds the spec to them)."""

from __future__ import annotations

__all__ = [
    "MAX_APP_NAME_LENGTH",
    "MAX_CLIENT_ID_LENGTH",
    "MAX_OWNER_ID_LENGTH",
    "MAX_PROJECT_NAME_LENGTH",
    "MAX_PROVIDER_NAME_LENGTH",
    "MAX_SCOPE_LENGTH",
    "MAX_URL_LENGTH",
]

MAX_URL_LENGTH = 2048  # characters: provider endpoints, issuers, redirect URIs
MAX_APP_NAME_LENGTH = 100
MAX_OWNER_ID_LENGTH = 255  # ACI.dev's linked_account_owner_id
MAX_CLIENT_ID_LENGTH = 1024
MAX_PROJECT_NAME_LENGTH = 200
MAX_PROVIDER_NAME_LENGTH = 63  # a provider catalog entry's name
MAX_SCOPE_LENGTH = 4096  # the granted scope string of a token response
