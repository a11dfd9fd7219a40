"""linkvault: a self-hosted OAuth2 account-linking service."""

from __future__ import annotations

import warnings

__all__ = ["__version__"]

__version__ = "0.1.0"

# Connexion 3.3 imports Starlette's test client when it is imported (connexion/apps/abstract.py), and
# Starlette then warns that the client's httpx backend is deprecated. linkvault never uses the test
# client, so the warning, printed at every `linkvault serve`, would tell an operator nothing. Only
# this one message is silenced, before any module imports Connexion.
warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient` is deprecated")
