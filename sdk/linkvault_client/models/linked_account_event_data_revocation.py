from enum import StrEnum


class LinkedAccountEventDataRevocation(StrEnum):
    FAILED = "failed"
    REVOKED = "revoked"
    UNSUPPORTED = "unsupported"

    def __str__(self) -> str:
        return str(self.value)
