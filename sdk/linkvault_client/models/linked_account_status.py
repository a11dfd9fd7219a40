from enum import StrEnum


class LinkedAccountStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    NEEDS_REAUTH = "needs_reauth"

    def __str__(self) -> str:
        return str(self.value)
