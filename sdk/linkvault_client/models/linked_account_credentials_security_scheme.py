from enum import StrEnum


class LinkedAccountCredentialsSecurityScheme(StrEnum):
    OAUTH2 = "oauth2"

    def __str__(self) -> str:
        return str(self.value)
