"""Outbound calls that cannot leave the machine: a fake resolver, a backend that records each
connection attempt and connects for real only to loopback addresses, and a loopback server that
answers every request with the same bytes."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager

import httpcore

from linkvault.engine.egress import IPAddress, Resolver

__all__ = ["RecordingBackend", "raw_server", "resolving_to"]


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Records every connection attempt; connects for real only to loopback, refuses the rest."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.attempts.append((host, port))
        if not ipaddress.ip_address(host).is_loopback:
            raise httpcore.ConnectError(f"the test backend refuses {host}")
        return await self._real.connect_tcp(host, port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def resolving_to(*addresses: str) -> tuple[list[str], Resolver]:
    """A resolver answering ``addresses`` for every name, and the list of names it was asked."""
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        return [ipaddress.ip_address(address) for address in addresses]

    return asked, resolve


@asynccontextmanager
async def _listening(
    serve: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[int]:
    """``serve`` each connection on a loopback port of its own, while the block runs; yields the port."""
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


@asynccontextmanager
async def raw_server(answer: bytes, *, drip_seconds: float = 0.0) -> AsyncIterator[int]:
    """A loopback server that reads a request and writes ``answer``, a byte every ``drip_seconds``."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        try:
            if drip_seconds:
                for byte in answer:
                    writer.write(bytes([byte]))
                    await writer.drain()
                    await asyncio.sleep(drip_seconds)
            else:
                writer.write(answer)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async with _listening(serve) as port:
        yield port


@asynccontextmanager
async def recording_server(answer: bytes, heads: list[bytes]) -> AsyncIterator[int]:
    """A loopback server that keeps each request's head in ``heads`` and answers each with ``answer``,
    on a kept-alive connection as long as the client keeps it."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                heads.append(head)
                lines = head.lower().split(b"\r\n")
                length = next(
                    (int(line.split(b":")[1]) for line in lines if line.startswith(b"content-length:")), 0
                )
                await reader.readexactly(length)
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async with _listening(serve) as port:
        yield port
