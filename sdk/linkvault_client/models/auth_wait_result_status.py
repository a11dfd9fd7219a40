from enum import StrEnum


class AuthWaitResultStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    NOT_FOUND = "not_found"
    TIMEOUT = "timeout"

    def __str__(self) -> str:
        return str(self.value)
