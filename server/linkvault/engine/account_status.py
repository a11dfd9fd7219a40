"""The status an account shows (the API, the command line and the events say the same)."""

from __future__ import annotations

from typing import Literal

from linkvault.store.models import LinkedAccount

__all__ = ["PublicStatus", "public_status"]

PublicStatus = Literal["active", "needs_reauth", "disabled"]


def public_status(account: LinkedAccount) -> PublicStatus:
    """``disabled`` while switched off, else the credentials' status (``active``, ``needs_reauth``)."""
    if not account.enabled:
        return "disabled"
    return "needs_reauth" if account.credential_status == "needs_reauth" else "active"
