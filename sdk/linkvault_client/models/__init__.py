"""Contains all the data models used in inputs/outputs"""

from .app_configuration import AppConfiguration
from .app_configuration_authorize_params import AppConfigurationAuthorizeParams
from .app_configuration_create import AppConfigurationCreate
from .app_configuration_create_authorize_params import AppConfigurationCreateAuthorizeParams
from .app_configuration_create_provider_params import AppConfigurationCreateProviderParams
from .app_configuration_provider_params import AppConfigurationProviderParams
from .app_configuration_update import AppConfigurationUpdate
from .app_configuration_update_authorize_params import AppConfigurationUpdateAuthorizeParams
from .catalog_entry import CatalogEntry
from .catalog_entry_authorize_params import CatalogEntryAuthorizeParams
from .catalog_entry_params import CatalogEntryParams
from .catalog_param import CatalogParam
from .catalog_refresh_tokens import CatalogRefreshTokens
from .catalog_token_quirks import CatalogTokenQuirks
from .catalog_token_quirks_error_codes import CatalogTokenQuirksErrorCodes
from .connection import Connection
from .error import Error
from .event import Event
from .event_type import EventType
from .health_status import HealthStatus
from .health_status_status import HealthStatusStatus
from .http_validation_error import HTTPValidationError
from .link_failed_event_data import LinkFailedEventData
from .link_started import LinkStarted
from .linked_account_credentials import LinkedAccountCredentials
from .linked_account_deleted import LinkedAccountDeleted
from .linked_account_deleted_revocation import LinkedAccountDeletedRevocation
from .linked_account_event_data import LinkedAccountEventData
from .linked_account_event_data_reason import LinkedAccountEventDataReason
from .linked_account_event_data_revocation import LinkedAccountEventDataRevocation
from .linked_account_public import LinkedAccountPublic
from .linked_account_status import LinkedAccountStatus
from .linked_account_update import LinkedAccountUpdate
from .o_auth_finalize_request import OAuthFinalizeRequest
from .oauth_2_callback import Oauth2Callback
from .oauth_connection import OauthConnection
from .ping_event_data import PingEventData
from .problem import Problem
from .security_scheme import SecurityScheme
from .token_endpoint_auth_method import TokenEndpointAuthMethod
from .validation_error import ValidationError
from .webhook_attempt import WebhookAttempt
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_status import WebhookDeliveryStatus
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_create import WebhookEndpointCreate
from .webhook_endpoint_delivery_status import WebhookEndpointDeliveryStatus
from .webhook_endpoint_update import WebhookEndpointUpdate
from .webhook_endpoint_with_secret import WebhookEndpointWithSecret
from .webhook_secret_rotated import WebhookSecretRotated

__all__ = (
    "AppConfiguration",
    "AppConfigurationAuthorizeParams",
    "AppConfigurationCreate",
    "AppConfigurationCreateAuthorizeParams",
    "AppConfigurationCreateProviderParams",
    "AppConfigurationProviderParams",
    "AppConfigurationUpdate",
    "AppConfigurationUpdateAuthorizeParams",
    "CatalogEntry",
    "CatalogEntryAuthorizeParams",
    "CatalogEntryParams",
    "CatalogParam",
    "CatalogRefreshTokens",
    "CatalogTokenQuirks",
    "CatalogTokenQuirksErrorCodes",
    "Connection",
    "Error",
    "Event",
    "EventType",
    "HealthStatus",
    "HealthStatusStatus",
    "HTTPValidationError",
    "LinkedAccountCredentials",
    "LinkedAccountDeleted",
    "LinkedAccountDeletedRevocation",
    "LinkedAccountEventData",
    "LinkedAccountEventDataReason",
    "LinkedAccountEventDataRevocation",
    "LinkedAccountPublic",
    "LinkedAccountStatus",
    "LinkedAccountUpdate",
    "LinkFailedEventData",
    "LinkStarted",
    "Oauth2Callback",
    "OauthConnection",
    "OAuthFinalizeRequest",
    "PingEventData",
    "Problem",
    "SecurityScheme",
    "TokenEndpointAuthMethod",
    "ValidationError",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
    "WebhookEndpointCreate",
    "WebhookEndpointDeliveryStatus",
    "WebhookEndpointUpdate",
    "WebhookEndpointWithSecret",
    "WebhookSecretRotated",
)
