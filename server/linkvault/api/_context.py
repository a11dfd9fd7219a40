"""The engine services of the running application, reachable from handlers and security functions."""

from __future__ import annotations

from contextvars import ContextVar

from linkvault.engine.services import Services

__all__ = ["current_services", "services_var"]

services_var: ContextVar[Services] = ContextVar("linkvault_services")


def current_services() -> Services:
    return services_var.get()
