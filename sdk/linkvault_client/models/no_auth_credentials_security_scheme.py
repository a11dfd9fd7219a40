from enum import StrEnum


class NoAuthCredentialsSecurityScheme(StrEnum):
    NO_AUTH = "no_auth"

    def __str__(self) -> str:
        return str(self.value)
