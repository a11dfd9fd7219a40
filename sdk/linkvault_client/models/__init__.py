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
from .health_status import HealthStatus
from .health_status_status import HealthStatusStatus
from .http_validation_error import HTTPValidationError
from .link_started import LinkStarted
from .linked_account_credentials import LinkedAccountCredentials
from .linked_account_deleted import LinkedAccountDeleted
from .linked_account_deleted_revocation import LinkedAccountDeletedRevocation
from .linked_account_public import LinkedAccountPublic
from .linked_account_status import LinkedAccountStatus
from .linked_account_update import LinkedAccountUpdate
from .o_auth_finalize_request import OAuthFinalizeRequest
from .oauth_2_callback import Oauth2Callback
from .oauth_connection import OauthConnection
from .problem import Problem
from .security_scheme import SecurityScheme
from .token_endpoint_auth_method import TokenEndpointAuthMethod
from .validation_error import ValidationError

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
    "HealthStatus",
    "HealthStatusStatus",
    "HTTPValidationError",
    "LinkedAccountCredentials",
    "LinkedAccountDeleted",
    "LinkedAccountDeletedRevocation",
    "LinkedAccountPublic",
    "LinkedAccountStatus",
    "LinkedAccountUpdate",
    "LinkStarted",
    "Oauth2Callback",
    "OauthConnection",
    "OAuthFinalizeRequest",
    "Problem",
    "SecurityScheme",
    "TokenEndpointAuthMethod",
    "ValidationError",
)
