"""Contains all the data models used in inputs/outputs"""

from .api_key_credentials import ApiKeyCredentials
from .api_key_credentials_security_scheme import ApiKeyCredentialsSecurityScheme
from .app_configuration import AppConfiguration
from .app_configuration_authorize_params import AppConfigurationAuthorizeParams
from .app_configuration_create import AppConfigurationCreate
from .app_configuration_create_authorize_params import AppConfigurationCreateAuthorizeParams
from .app_configuration_create_provider_params import AppConfigurationCreateProviderParams
from .app_configuration_provider_params import AppConfigurationProviderParams
from .app_configuration_update import AppConfigurationUpdate
from .app_configuration_update_authorize_params import AppConfigurationUpdateAuthorizeParams
from .app_configuration_update_provider_params import AppConfigurationUpdateProviderParams
from .auth_authenticate_request import AuthAuthenticateRequest
from .auth_result import AuthResult
from .auth_result_status import AuthResultStatus
from .auth_wait_result import AuthWaitResult
from .auth_wait_result_status import AuthWaitResultStatus
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
from .http_basic_credentials import HttpBasicCredentials
from .http_basic_credentials_security_scheme import HttpBasicCredentialsSecurityScheme
from .http_bearer_credentials import HttpBearerCredentials
from .http_bearer_credentials_security_scheme import HttpBearerCredentialsSecurityScheme
from .http_validation_error import HTTPValidationError
from .link_failed_event_data import LinkFailedEventData
from .link_started import LinkStarted
from .linked_account_api_key_create import LinkedAccountAPIKeyCreate
from .linked_account_credentials import LinkedAccountCredentials
from .linked_account_credentials_security_scheme import LinkedAccountCredentialsSecurityScheme
from .linked_account_deleted import LinkedAccountDeleted
from .linked_account_deleted_revocation import LinkedAccountDeletedRevocation
from .linked_account_event_data import LinkedAccountEventData
from .linked_account_event_data_reason import LinkedAccountEventDataReason
from .linked_account_event_data_revocation import LinkedAccountEventDataRevocation
from .linked_account_http_basic_create import LinkedAccountHTTPBasicCreate
from .linked_account_http_bearer_create import LinkedAccountHTTPBearerCreate
from .linked_account_no_auth_create import LinkedAccountNoAuthCreate
from .linked_account_public import LinkedAccountPublic
from .linked_account_status import LinkedAccountStatus
from .linked_account_update import LinkedAccountUpdate
from .message import Message
from .no_auth_credentials import NoAuthCredentials
from .no_auth_credentials_security_scheme import NoAuthCredentialsSecurityScheme
from .o_auth_finalize_request import OAuthFinalizeRequest
from .o_auth_provider import OAuthProvider
from .o_auth_provider_create import OAuthProviderCreate
from .o_auth_provider_update import OAuthProviderUpdate
from .o_auth_token_status import OAuthTokenStatus
from .oauth_2_callback import Oauth2Callback
from .oauth_connection import OauthConnection
from .ping_event_data import PingEventData
from .problem import Problem
from .revoke_tokens_result import RevokeTokensResult
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
    "ApiKeyCredentials",
    "ApiKeyCredentialsSecurityScheme",
    "AppConfiguration",
    "AppConfigurationAuthorizeParams",
    "AppConfigurationCreate",
    "AppConfigurationCreateAuthorizeParams",
    "AppConfigurationCreateProviderParams",
    "AppConfigurationProviderParams",
    "AppConfigurationUpdate",
    "AppConfigurationUpdateAuthorizeParams",
    "AppConfigurationUpdateProviderParams",
    "AuthAuthenticateRequest",
    "AuthResult",
    "AuthResultStatus",
    "AuthWaitResult",
    "AuthWaitResultStatus",
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
    "HttpBasicCredentials",
    "HttpBasicCredentialsSecurityScheme",
    "HttpBearerCredentials",
    "HttpBearerCredentialsSecurityScheme",
    "HTTPValidationError",
    "LinkedAccountAPIKeyCreate",
    "LinkedAccountCredentials",
    "LinkedAccountCredentialsSecurityScheme",
    "LinkedAccountDeleted",
    "LinkedAccountDeletedRevocation",
    "LinkedAccountEventData",
    "LinkedAccountEventDataReason",
    "LinkedAccountEventDataRevocation",
    "LinkedAccountHTTPBasicCreate",
    "LinkedAccountHTTPBearerCreate",
    "LinkedAccountNoAuthCreate",
    "LinkedAccountPublic",
    "LinkedAccountStatus",
    "LinkedAccountUpdate",
    "LinkFailedEventData",
    "LinkStarted",
    "Message",
    "NoAuthCredentials",
    "NoAuthCredentialsSecurityScheme",
    "Oauth2Callback",
    "OauthConnection",
    "OAuthFinalizeRequest",
    "OAuthProvider",
    "OAuthProviderCreate",
    "OAuthProviderUpdate",
    "OAuthTokenStatus",
    "PingEventData",
    "Problem",
    "RevokeTokensResult",
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
