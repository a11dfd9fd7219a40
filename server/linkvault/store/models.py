"""The tables. Secrets are stored encrypted (``*_encrypted``) or as hashes (``*_hash``), never in clear."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic_core import PydanticUndefined
from sqlalchemy import JSON, Column, Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from linkvault.limits import (
    MAX_APP_NAME_LENGTH,
    MAX_CLIENT_ID_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_OWNER_ID_LENGTH,
    MAX_PROJECT_NAME_LENGTH,
    MAX_PROVIDER_NAME_LENGTH,
    MAX_SCOPE_LENGTH,
    MAX_URL_LENGTH,
)
from linkvault.store.types import UtcDateTime, utc_now

__all__ = [
    "ApiKey",
    "AppConfiguration",
    "Event",
    "LinkState",
    "LinkedAccount",
    "Project",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "from_row",
    "new_object",
]


def _timestamp() -> Any:
    return Field(default_factory=utc_now, sa_type=UtcDateTime, nullable=False)


def _owner(table: str) -> Any:
    return Field(foreign_key=f"{table}.id", ondelete="CASCADE", index=True)


class Project(SQLModel, table=True):
    __tablename__ = "projects"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=MAX_PROJECT_NAME_LENGTH)
    created_at: datetime = _timestamp()


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = _owner("projects")
    # SHA-256 of the key: the key has 256 random bits, so a fast hash cannot be reversed.
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _timestamp()
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class AppConfiguration(SQLModel, table=True):
    __tablename__ = "app_configurations"
    __table_args__ = (UniqueConstraint("project_id", "app_name"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = _owner("projects")
    app_name: str = Field(max_length=MAX_APP_NAME_LENGTH)
    # How accounts of the app authenticate at it (the spec's SecurityScheme): "oauth2" links through
    # the provider; "api_key", "http_basic", "http_bearer" and "no_auth" accounts are given their
    # secret (or none) directly, and the OAuth2 columns below stay empty.
    security_scheme: str = Field(
        default="oauth2", max_length=20, sa_column_kwargs={"server_default": "oauth2"}
    )
    # A human-readable name (LangSmith's provider ``name``); None where only the app name was given.
    display_name: str | None = Field(default=None, max_length=MAX_PROJECT_NAME_LENGTH)
    issuer: str | None = Field(default=None, max_length=MAX_URL_LENGTH)
    authorization_response_iss_parameter_supported: bool = False
    authorize_url: str = Field(max_length=MAX_URL_LENGTH)
    token_url: str = Field(max_length=MAX_URL_LENGTH)
    revocation_url: str | None = Field(default=None, max_length=MAX_URL_LENGTH)
    # From discovery: where the provider's ID token signing keys are (OpenID Connect Discovery §3).
    jwks_uri: str | None = Field(default=None, max_length=MAX_URL_LENGTH)
    client_id: str = Field(max_length=MAX_CLIENT_ID_LENGTH)
    client_secret_encrypted: str | None = None
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    token_endpoint_auth_method: str = Field(max_length=40)
    authorize_params: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    redirect_uri: str | None = Field(default=None, max_length=MAX_URL_LENGTH)
    allowed_redirect_urls: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The provider catalog entry the configuration was made from (linkvault.engine.catalog), and the
    # values of its templated URL parts. Its token response quirks are read from the catalog by this
    # name at use time, so that a catalog fix reaches existing configurations.
    provider: str | None = Field(default=None, max_length=MAX_PROVIDER_NAME_LENGTH)
    provider_params: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Refresh accounts whose refresh token has not been used for this long (None: never).
    refresh_idle_after_seconds: int | None = None
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class LinkState(SQLModel, table=True):
    """One started link, found again by the hash of its state when the provider calls back."""

    __tablename__ = "link_states"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    project_id: uuid.UUID = _owner("projects")
    app_configuration_id: uuid.UUID = _owner("app_configurations")
    app_name: str = Field(max_length=MAX_APP_NAME_LENGTH)
    linked_account_owner_id: str = Field(max_length=MAX_OWNER_ID_LENGTH)
    redirect_uri: str = Field(max_length=MAX_URL_LENGTH)
    expected_issuer: str | None = Field(default=None, max_length=MAX_URL_LENGTH)
    issuer_required: bool = False
    after_redirect_url: str | None = Field(default=None, max_length=MAX_URL_LENGTH)
    code_verifier_encrypted: str
    # SHA-256 of the OpenID Connect nonce sent with the authorization request, when one was.
    nonce_hash: str | None = Field(default=None, max_length=64)
    # The link may replace the account's provider subject with another (a deliberate account switch).
    allow_account_switch: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The scope asked for (space-separated), which a token response without ``scope`` granted
    # (RFC 6749 §5.1); None when none was asked for.
    scope: str | None = Field(default=None, max_length=MAX_SCOPE_LENGTH)
    # How the link ended, for those waiting on it (LangSmith's wait): None while pending, "completed"
    # (then ``linked_account_id`` is the account it saved) or the error code it failed with.
    outcome: str | None = Field(default=None, max_length=40)
    linked_account_id: uuid.UUID | None = None
    expires_at: datetime = Field(sa_type=UtcDateTime, nullable=False, index=True)
    consumed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = _timestamp()


class LinkedAccount(SQLModel, table=True):
    __tablename__ = "linked_accounts"
    __table_args__ = (
        UniqueConstraint("project_id", "app_name", "linked_account_owner_id"),
        Index("ix_linked_accounts_page", "project_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = _owner("projects")
    app_configuration_id: uuid.UUID = _owner("app_configurations")
    app_name: str = Field(max_length=MAX_APP_NAME_LENGTH)
    linked_account_owner_id: str = Field(max_length=MAX_OWNER_ID_LENGTH)
    # The app's security scheme when the account was made. For every scheme but "oauth2",
    # ``access_token_encrypted`` holds the encrypted JSON of the account's secret ({"api_key"},
    # {"username", "password"}, {"token"} or {} for no_auth), so key checks and rotation cover it.
    security_scheme: str = Field(
        default="oauth2", max_length=20, sa_column_kwargs={"server_default": "oauth2"}
    )
    enabled: bool = True
    # "active" or "needs_reauth" (the grant is dead); shown as "disabled" while enabled is false.
    credential_status: str = Field(
        default="active", max_length=20, sa_column_kwargs={"server_default": "active"}
    )
    # Why the account needs re-authorization: "invalid_grant" or "no_refresh_token".
    status_reason: str | None = Field(default=None, max_length=40)
    access_token_encrypted: str
    refresh_token_encrypted: str | None = None
    token_type: str = Field(max_length=40)
    scope: str | None = Field(default=None, max_length=MAX_SCOPE_LENGTH)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # When the current access token was obtained: with expires_at, its lifetime.
    token_issued_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_refreshed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The user's subject at the provider (OpenID Connect ``sub``), when known.
    provider_subject: str | None = Field(default=None, max_length=MAX_OWNER_ID_LENGTH)
    # The refresh lease (linkvault.engine.refresh): who holds it and until when.
    refresh_lease_id: str | None = Field(default=None, max_length=32)
    refresh_lease_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # When the last holder gave the lease back because the provider failed its refresh; cleared when
    # the lease is taken. Tells a waiter that failure from a holder that found nothing to do.
    refresh_failed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Counts credential writes, so a reader can tell newer credentials from older ones.
    sequence: int = 0
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class WebhookEndpoint(SQLModel, table=True):
    """Where a project's events are posted, signed with the endpoint's secret (Standard Webhooks)."""

    __tablename__ = "webhook_endpoints"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = _owner("projects")
    url: str = Field(max_length=MAX_URL_LENGTH)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH)
    # The event types delivered; empty means every type but the opt-in ones.
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    enabled: bool = True
    # "healthy" or "failing" (the last attempts failed); why it was disabled, when the worker did it.
    delivery_status: str = Field(default="healthy", max_length=20)
    disabled_reason: str | None = Field(default=None, max_length=40)
    consecutive_failures: int = 0
    secret_encrypted: str
    # After a rotation the old secret signs beside the new one until it expires.
    previous_secret_encrypted: str | None = None
    previous_secret_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class Event(SQLModel, table=True):
    """One thing that happened (the outbox): written in the transaction of the change it describes."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_page", "project_id", "created_at", "id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = _owner("projects")
    type: str = Field(max_length=60)
    # Not a foreign key: the event of a deleted account outlives it.
    linked_account_id: uuid.UUID | None = Field(default=None, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _timestamp()


class WebhookDelivery(SQLModel, table=True):
    """One event on its way to one endpoint: attempted until it succeeds or the schedule runs out."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        # The endpoint's listing, newest first, a page at a time (store.webhooks.list_deliveries): each
        # page is a range of this index, where an index of the endpoint alone had every page sort all
        # of the endpoint's deliveries. It also serves the endpoint's cascade.
        Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = _owner("projects")
    event_id: uuid.UUID = _owner("events")
    endpoint_id: uuid.UUID = Field(foreign_key="webhook_endpoints.id", ondelete="CASCADE")
    # "pending", "succeeded" or "failed" (the schedule ran out).
    status: str = Field(default="pending", max_length=20)
    attempt_count: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The worker that is sending it and until when (a dead worker's claim runs out).
    lease_id: str | None = Field(default=None, max_length=32)
    lease_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class WebhookAttempt(SQLModel, table=True):
    """One POST of a delivery and how it went."""

    __tablename__ = "webhook_attempts"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    delivery_id: uuid.UUID = _owner("webhook_deliveries")
    attempted_at: datetime = _timestamp()
    status_code: int | None = None
    latency_ms: int = 0
    # None on success; else "http_status", "timeout", "connection_error" or "address_not_allowed".
    error_class: str | None = Field(default=None, max_length=40)


_Model = TypeVar("_Model", bound=SQLModel)


def new_object(model: type[_Model], names: Sequence[str], values: Mapping[str, Any]) -> _Model:
    """A new object of ``model`` holding ``values``, and for each other column of ``names`` its field's
    default (a default factory called, as for a new ``id``), made as ``from_row`` makes one: SQLModel's
    ``__init__`` and an attribute set each (instrumented by both SQLModel and SQLAlchemy) cost a
    callback about a quarter of a millisecond on the benchmark's machine. As with ``__init__`` of a
    table model, nothing is validated. Raises ValueError for a column with no default not given."""
    fields = model.model_fields
    row = []
    for name in names:
        if name in values:
            row.append(values[name])
            continue
        default = fields[name].get_default(call_default_factory=True)
        if default is PydanticUndefined:
            raise ValueError(f"{model.__name__}.{name} has no default and was not given")
        row.append(default)
    return from_row(model, names, row)


def from_row(model: type[_Model], names: Sequence[str], row: Sequence[Any]) -> _Model:
    """An object of ``model`` holding ``row``, its columns ``names`` in order (a Core statement's
    columns), attached to no session. Made as SQLAlchemy makes the objects it loads, without
    SQLModel's ``__init__``, which cost about 100 µs an object on the benchmark's machine against 5
    this way (a callback makes three). Raises ValueError when ``row`` and ``names`` differ in length."""
    instance: _Model = model._sa_class_manager.new_instance()  # type: ignore[attr-defined]
    instance.__dict__.update(zip(names, row, strict=True))
    return instance
