from enum import StrEnum


class EventType(StrEnum):
    LINKED_ACCOUNT_CREATED = "linked_account.created"
    LINKED_ACCOUNT_DELETED = "linked_account.deleted"
    LINKED_ACCOUNT_DISABLED = "linked_account.disabled"
    LINKED_ACCOUNT_ENABLED = "linked_account.enabled"
    LINKED_ACCOUNT_NEEDS_REAUTH = "linked_account.needs_reauth"
    LINKED_ACCOUNT_REAUTHORIZED = "linked_account.reauthorized"
    LINKED_ACCOUNT_RECOVERED = "linked_account.recovered"
    LINKED_ACCOUNT_REFRESHED = "linked_account.refreshed"
    LINK_FAILED = "link.failed"

    def __str__(self) -> str:
        return str(self.value)
