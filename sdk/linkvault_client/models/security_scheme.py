from enum import StrEnum


class SecurityScheme(StrEnum):
    API_KEY = "api_key"
    HTTP_BASIC = "http_basic"
    HTTP_BEARER = "http_bearer"
    NO_AUTH = "no_auth"
    OAUTH2 = "oauth2"

    def __str__(self) -> str:
        return str(self.value)
