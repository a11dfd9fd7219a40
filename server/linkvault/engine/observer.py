"""What the engine tells an observer (metrics) about the work it does, with no metrics library in it.

The engine calls an ``Observer`` held by ``Services``; the default one does nothing, and
``linkvault.metrics`` supplies one that counts into Prometheus. Keeping the interface here means the
engine imports neither prometheus-client nor a web framework, and tests can pass their own observer.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import Literal, TypeVar

from linkvault.errors import LinkvaultError

__all__ = ["NULL_OBSERVER", "Observer", "TokenEndpointCall", "observe_token_call"]

# The provider calls that are timed: the authorization code exchange (RFC 6749 §4.1.3), the refresh
# (§6) and the revocation (RFC 7009 §2.1).
TokenEndpointCall = Literal["code_exchange", "refresh", "revocation"]

_T = TypeVar("_T")


class Observer:
    """Receives the engine's events; every method does nothing here. Subclasses must not raise, and
    must be cheap: they run on the request path."""

    def link_started(self) -> None:
        """A link was started (a state stored, an authorization URL answered)."""

    def link_finished(self) -> None:
        """A callback finished a link: the account is saved with its tokens."""

    def link_failed(self, code: str) -> None:
        """A callback did not finish a link; ``code`` is the domain error's ``code`` (e.g.
        ``invalid_state``, ``access_denied``, ``invalid_grant``)."""

    def token_call(self, call: TokenEndpointCall, outcome: str, seconds: float) -> None:
        """A call to a provider's token or revocation endpoint ended after ``seconds`` (monotonic).
        ``outcome`` is ``ok`` (revocation: ``revoked``), else the error's code (e.g. ``invalid_grant``,
        ``provider_unavailable``, ``provider_timeout``; revocation: ``failed``)."""


NULL_OBSERVER = Observer()


async def observe_token_call(observer: Observer, call: TokenEndpointCall, work: Awaitable[_T]) -> _T:
    """Await ``work`` (one token endpoint call) and report its outcome and duration to ``observer``.

    A ``TimeoutError`` (an ``asyncio.timeout`` around the call) is reported as ``provider_timeout``;
    a cancellation as ``cancelled``. Every exception is re-raised unchanged."""
    started = time.perf_counter()
    outcome = "ok"
    try:
        return await work
    except LinkvaultError as exc:
        outcome = exc.code
        raise
    except TimeoutError:
        outcome = "provider_timeout"
        raise
    except BaseException:
        outcome = "cancelled"
        raise
    finally:
        observer.token_call(call, outcome, time.perf_counter() - started)
