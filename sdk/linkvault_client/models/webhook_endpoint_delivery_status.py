from enum import StrEnum


class WebhookEndpointDeliveryStatus(StrEnum):
    FAILING = "failing"
    HEALTHY = "healthy"

    def __str__(self) -> str:
        return str(self.value)
