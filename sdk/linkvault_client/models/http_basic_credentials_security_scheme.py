from enum import StrEnum


class HttpBasicCredentialsSecurityScheme(StrEnum):
    HTTP_BASIC = "http_basic"

    def __str__(self) -> str:
        return str(self.value)
