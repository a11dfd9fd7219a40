"""The one seam to outbound HTTP: httpx's exceptions become ``ProviderError``s here.

Every call is bounded as a whole (connect, send, every byte of the answer) by the client's timeout,
and goes only to addresses the client's ``EgressPolicy`` allows, checked after DNS resolution.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import ssl
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from linkvault import __version__
from linkvault.engine.egress import EgressPolicy, IPAddress, Resolver, system_resolver
from linkvault.errors import AddressNotAllowed, ProviderTimeout, ProviderUnavailable

__all__ = [
    "GuardedBackend",
    "OutboundClient",
    "ProviderResponse",
    "get",
    "new_client",
    "post_form",
    "post_json",
]

# A provider's answer larger than this is not a token response or metadata document.
_MAX_RESPONSE_BYTES = 1_048_576


class _Refused(Exception):
    """Raised by ``GuardedBackend`` before connecting. httpx lets exceptions that are not httpcore's
    pass unchanged, so ``_send`` sees this one and turns it into AddressNotAllowed."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves the host itself, refuses the connection unless every
    address the host resolves to passes ``policy``, and then connects to those checked addresses only
    (so a second DNS answer cannot send the connection elsewhere: DNS rebinding). TLS, SNI and the
    certificate check still use the URL's host, and connections are pooled by it.

    ``inner`` makes the connection (httpcore's default backend in production; tests pass one that
    records the attempt and refuses). Raises ``_Refused`` when an address is not allowed;
    ``httpcore.ConnectError`` when the name does not resolve."""

    def __init__(
        self,
        *,
        policy: EgressPolicy,
        resolver: Resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        for address in (addresses := await self._addresses(host, port)):
            reason = self._policy.refusal(address)
            if reason is not None:
                raise _Refused(f"{host} resolves to {reason} ({address})")
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def _addresses(self, host: str, port: int) -> list[IPAddress]:
        """The addresses to connect to: the host itself when it is one, else what it resolves to."""
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        try:
            addresses = await self._resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"{host} does not resolve") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} does not resolve")
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise _Refused("unix sockets are not an outbound destination")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class OutboundClient:
    """What every outbound call (discovery, JWKS, token, revocation, webhooks) is sent through: an
    httpx ``transport`` (its connection pool) and ``timeout_seconds``, the bound on each call as a
    whole. Use as ``async with``, or ``aclose`` it.

    Requests go to the transport as they are: unlike httpx's client, this one keeps no cookie jar (a
    cookie a provider sets while answering one project's token request would go out with every other
    project's), follows no redirect (a provider endpoint that redirects is misconfigured or hostile,
    and a redirect would dodge the address check) and reads no proxy from the environment (through a
    proxy, the address check would judge the proxy, not the target). It also costs a token request
    a third less of httpx's own work (benchmarks/README.md)."""

    def __init__(self, transport: httpx.AsyncBaseTransport, *, timeout_seconds: float) -> None:
        self.transport = transport
        self.timeout_seconds = timeout_seconds
        # httpx's transports read each socket operation's bound from the request's extensions.
        self._extensions = {"timeout": httpx.Timeout(timeout_seconds).as_dict()}

    def request(
        self, method: str, url: str, *, headers: dict[str, str], content: bytes | None = None
    ) -> httpx.Request:
        """The request to send: ``headers`` over the defaults every call carries."""
        return httpx.Request(
            method, _url(url), headers={**_DEFAULT_HEADERS, **headers}, content=content,
            extensions={**self._extensions},  # the request's own: a transport may add to it
        )  # fmt: skip

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def __aenter__(self) -> OutboundClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()


# Some providers refuse a request without a User-Agent (GitHub's API does). Without Accept-Encoding
# any content coding would be acceptable (RFC 9110 §12.5.3); answers are small, so none is asked for.
_DEFAULT_HEADERS = {"User-Agent": f"linkvault/{__version__}", "Accept-Encoding": "identity"}


def new_client(
    *,
    timeout_seconds: float,
    policy: EgressPolicy | None = None,
    resolver: Resolver = system_resolver,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
) -> OutboundClient:
    """The outbound client for every provider call (discovery, JWKS, token, revocation) or webhooks.

    ``timeout_seconds`` bounds each call as a whole. ``policy`` (default: ``EgressPolicy()``) says
    which addresses may be reached, judged after resolution by ``resolver``; ``network_backend``
    makes the connections. Tests pass both, so no lookup and no packet leaves for a non-loopback
    address even when the code under test is broken."""
    transport = httpx.AsyncHTTPTransport(trust_env=True)
    # httpx's transport takes no network backend, so its pool is rebuilt here with the same TLS
    # context (SSL_CERT_FILE is honoured) and httpx's default limits.
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=True),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(
            policy=policy if policy is not None else EgressPolicy(),
            resolver=resolver,
            inner=network_backend,
        ),
    )
    return OutboundClient(transport, timeout_seconds=timeout_seconds)


@dataclass(frozen=True)
class ProviderResponse:
    status_code: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@functools.lru_cache(maxsize=1024)
def _url(url: str) -> httpx.URL:
    # A provider's few endpoints are asked again and again; httpx parses a URL given as text each
    # time, in Python, and an httpx.URL is immutable.
    return httpx.URL(url)


async def get(client: OutboundClient, url: str) -> ProviderResponse:
    return await _send(client, client.request("GET", url, headers={"Accept": "application/json"}))


async def post_form(
    client: OutboundClient, url: str, *, body: str, headers: dict[str, str]
) -> ProviderResponse:
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        **headers,
    }
    return await _send(client, client.request("POST", url, content=body.encode(), headers=headers))


async def post_json(
    client: OutboundClient, url: str, *, body: bytes, headers: dict[str, str]
) -> ProviderResponse:
    """POST ``body`` (already serialised JSON, sent byte for byte: a signature covers it) to ``url``.
    Raises ProviderTimeout, ProviderUnavailable or AddressNotAllowed as every call here does."""
    headers = {"Content-Type": "application/json", **headers}
    return await _send(client, client.request("POST", url, content=body, headers=headers))


def _where(request: httpx.Request) -> str:
    # The URL is the provider's endpoint, which we built; it holds no secret, so it may be named.
    # Made only for an error: building it cost a tenth of a token request's own work.
    return f"{request.method} {request.url.copy_with(query=None)}"


async def _send(client: OutboundClient, request: httpx.Request) -> ProviderResponse:
    # httpx's timeouts bound each socket operation; a provider that answers a few bytes at a time
    # would pass every one of them, so the call as a whole has the same bound.
    deadline = client.timeout_seconds
    try:
        async with asyncio.timeout(deadline):
            status_code, content_type, body = await _exchange(client, request)
    except TimeoutError as exc:
        raise ProviderTimeout(f"{_where(request)}: no whole answer within {deadline:g} s") from exc
    except httpx.TimeoutException as exc:
        raise ProviderTimeout(f"{_where(request)}: no answer in time") from exc
    except _Refused as exc:
        raise AddressNotAllowed(f"{_where(request)}: refused, {exc}") from exc
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f"{_where(request)}: {_reason(exc)}") from exc
    return ProviderResponse(status_code=status_code, content_type=content_type, body=body)


async def _exchange(client: OutboundClient, request: httpx.Request) -> tuple[int, str, bytes]:
    response = await client.transport.handle_async_request(request)
    response.request = request
    try:
        if response.is_stream_consumed:
            # Built in memory by its transport (httpx.MockTransport: tests), so already read and decoded.
            if len(response.content) > _MAX_RESPONSE_BYTES:
                raise ProviderUnavailable(f"{_where(request)}: the response is too large")
            return response.status_code, response.headers.get("content-type", ""), response.content
        decoders = _decoders(request, response.headers.get("content-encoding", ""))
        raw_size, body = 0, bytearray()
        # The raw bytes, each content coding undone here with its output bounded: httpx's own decoders
        # inflate a whole chunk at once, so a few hundred bytes of gzip inside gzip cost hundreds of MB.
        async for chunk in response.aiter_raw():
            raw_size += len(chunk)
            data = chunk
            for decoder in decoders:
                data = decoder.feed(data)
            body += data
            if raw_size > _MAX_RESPONSE_BYTES or len(body) > _MAX_RESPONSE_BYTES:
                raise ProviderUnavailable(f"{_where(request)}: the response is too large")
        for index, decoder in enumerate(decoders):
            data = decoder.end()
            for after in decoders[index + 1 :]:
                data = after.feed(data)
            body += data
        if len(body) > _MAX_RESPONSE_BYTES:
            raise ProviderUnavailable(f"{_where(request)}: the response is too large")
    finally:
        await response.aclose()
    return response.status_code, response.headers.get("content-type", ""), bytes(body)


class _Inflater:
    """One content coding undone (RFC 9110 §8.4.1: ``gzip``, members one after another as RFC 1952 §2.2
    allows, or ``deflate`` in zlib's format or, as some servers send it, raw), its output bounded:
    more than ``_MAX_RESPONSE_BYTES`` in all raises ProviderUnavailable, after inflating at most that
    much. A corrupt stream, bytes after its end, and a stream cut short raise it too."""

    def __init__(self, request: httpx.Request, coding: str) -> None:
        self._request = request
        self._coding = coding
        self._inflater: Any = None  # chosen by the stream's first two bytes (``_start``)
        self._head = b""
        self._size = 0

    def feed(self, data: bytes) -> bytes:
        output = bytearray()
        while data:
            if self._inflater is None:
                self._head += data
                if len(self._head) < 2:
                    break
                data, self._head = self._head, b""
                self._start(data[:2])
            output += self._inflate(data)
            if not self._inflater.eof:
                break
            data = self._inflater.unused_data
            if data:
                if self._coding == "deflate":
                    raise self._corrupt()  # one stream; nothing may follow it
                self._inflater = None  # another gzip member, or the corrupt bytes ``_start`` refuses
        return bytes(output)

    def end(self) -> bytes:
        if self._inflater is None:
            if self._head:
                raise self._corrupt()
            return b""  # an empty body, or one that ended with a whole gzip member
        try:
            output = self._inflater.flush()
        except zlib.error as exc:
            raise self._corrupt() from exc
        if not self._inflater.eof:
            # zlib inflates what it has without complaint; the stream's end was never seen.
            raise ProviderUnavailable(f"{_where(self._request)}: the response's encoding is cut short")
        return self._counted(output, more=False)

    def _start(self, head: bytes) -> None:
        if self._coding != "deflate":
            if head != b"\x1f\x8b":
                raise self._corrupt()
            wbits = zlib.MAX_WBITS | 16
        else:
            # zlib's format (RFC 1950 §2.2: method 8, header a multiple of 31), else raw deflate.
            wrapped = head[0] & 0x0F == 8 and int.from_bytes(head, "big") % 31 == 0
            wbits = zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits)

    def _inflate(self, data: bytes) -> bytes:
        try:
            output = self._inflater.decompress(data, _MAX_RESPONSE_BYTES - self._size + 1)
        except zlib.error as exc:
            raise self._corrupt() from exc
        return self._counted(output, more=bool(self._inflater.unconsumed_tail))

    def _counted(self, output: bytes, *, more: bool) -> bytes:
        self._size += len(output)
        if more or self._size > _MAX_RESPONSE_BYTES:
            raise ProviderUnavailable(f"{_where(self._request)}: the response is too large")
        return output

    def _corrupt(self) -> ProviderUnavailable:
        return ProviderUnavailable(f"{_where(self._request)}: the response's encoding is corrupt")


# More codings than this on one answer is no provider's doing; each costs an inflater.
_MAX_CODINGS = 2


def _decoders(request: httpx.Request, content_encoding: str) -> list[_Inflater]:
    """The decoders for ``Content-Encoding``, in the order they apply (the last coding applied is
    undone first, RFC 9110 §8.4). Raises ProviderUnavailable for a coding linkvault does not undo
    (it asks for none: ``Accept-Encoding: identity``), and for more than ``_MAX_CODINGS``."""
    decoders: list[_Inflater] = []
    for part in reversed(content_encoding.split(",")):
        coding = part.strip().lower()
        if coding in ("", "identity"):
            continue
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise ProviderUnavailable(f"{_where(request)}: the response is encoded as {coding[:20]!r}")
        if len(decoders) == _MAX_CODINGS:
            raise ProviderUnavailable(
                f"{_where(request)}: the response is encoded more than {_MAX_CODINGS} times"
            )
        decoders.append(_Inflater(request, coding))
    return decoders


def _reason(exc: httpx.HTTPError) -> str:
    """What went wrong, for the operator: a refused certificate says so (it is fixed by trusting a CA,
    e.g. with SSL_CERT_FILE), anything else is named by its httpx class."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"the TLS certificate could not be verified ({cause.verify_message})"
        cause = cause.__cause__ or cause.__context__
    return type(exc).__name__
