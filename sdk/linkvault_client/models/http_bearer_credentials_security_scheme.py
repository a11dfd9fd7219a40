from enum import StrEnum


class HttpBearerCredentialsSecurityScheme(StrEnum):
    HTTP_BEARER = "http_bearer"

    def __str__(self) -> str:
        return str(self.value)
