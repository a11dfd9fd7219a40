from enum import StrEnum


class LinkedAccountEventDataReason(StrEnum):
    INVALID_GRANT = "invalid_grant"
    NO_REFRESH_TOKEN = "no_refresh_token"

    def __str__(self) -> str:
        return str(self.value)
