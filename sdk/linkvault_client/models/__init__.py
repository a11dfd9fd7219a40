"""Contains all the data models used in inputs/outputs"""

from .api_key_credentials import ApiKeyCredentials
from .api_key_credentials_security_scheme import ApiKeyCredentialsSecurityScheme
from .app_configuration import AppConfiguration
from .app_configuration_authorize_params import AppConfigurationAuthorizeParams
from .app_configuration_create import AppConfigurationCreate
from .app_configuration_create_authorize_params import AppConfigurationCreateAuthorizeParams
from .app_configuration_update import AppConfigurationUpdate
from .app_configuration_update_authorize_params import AppConfigurationUpdateAuthorizeParams
from .auth_authenticate_request import AuthAuthenticateRequest
from .auth_result import AuthResult
from .auth_result_status import AuthResultStatus
from .auth_wait_result import AuthWaitResult
from .auth_wait_result_status import AuthWaitResultStatus
from .connection import Connection
from .error import Error
from .health_status import HealthStatus
from .health_status_status import HealthStatusStatus
from .http_basic_credentials import HttpBasicCredentials
from .http_basic_credentials_security_scheme import HttpBasicCredentialsSecurityScheme
from .http_bearer_credentials import HttpBearerCredentials
from .http_bearer_credentials_security_scheme import HttpBearerCredentialsSecurityScheme
from .http_validation_error import HTTPValidationError
from .linked_account_api_key_create import LinkedAccountAPIKeyCreate
from .linked_account_credentials import LinkedAccountCredentials
from .linked_account_credentials_security_scheme import LinkedAccountCredentialsSecurityScheme
from .linked_account_deleted import LinkedAccountDeleted
from .linked_account_deleted_revocation import LinkedAccountDeletedRevocation
from .linked_account_http_basic_create import LinkedAccountHTTPBasicCreate
from .linked_account_http_bearer_create import LinkedAccountHTTPBearerCreate
from .linked_account_no_auth_create import LinkedAccountNoAuthCreate
from .linked_account_public import LinkedAccountPublic
from .linked_account_status import LinkedAccountStatus
from .linked_account_update import LinkedAccountUpdate
from .linked_accounts_link_oauth_2_account_response_linked_accounts_link_oauth_2_account import (
    LinkedAccountsLinkOauth2AccountResponseLinkedAccountsLinkOauth2Account,
)
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
from .problem import Problem
from .revoke_tokens_result import RevokeTokensResult
from .security_scheme import SecurityScheme
from .token_endpoint_auth_method import TokenEndpointAuthMethod
from .validation_error import ValidationError

__all__ = (
    "ApiKeyCredentials",
    "ApiKeyCredentialsSecurityScheme",
    "AppConfiguration",
    "AppConfigurationAuthorizeParams",
    "AppConfigurationCreate",
    "AppConfigurationCreateAuthorizeParams",
    "AppConfigurationUpdate",
    "AppConfigurationUpdateAuthorizeParams",
    "AuthAuthenticateRequest",
    "AuthResult",
    "AuthResultStatus",
    "AuthWaitResult",
    "AuthWaitResultStatus",
    "Connection",
    "Error",
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
    "LinkedAccountHTTPBasicCreate",
    "LinkedAccountHTTPBearerCreate",
    "LinkedAccountNoAuthCreate",
    "LinkedAccountPublic",
    "LinkedAccountsLinkOauth2AccountResponseLinkedAccountsLinkOauth2Account",
    "LinkedAccountStatus",
    "LinkedAccountUpdate",
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
    "Problem",
    "RevokeTokensResult",
    "SecurityScheme",
    "TokenEndpointAuthMethod",
    "ValidationError",
)
