"""Which addresses a server-side request may reach, judged after DNS resolution (SSRF defence).

Every outbound call linkvault makes (discovery, JWKS, token, revocation, webhook delivery) goes to a
URL a tenant chose. ``engine.http`` resolves the host through a ``Resolver``, asks an ``EgressPolicy``
about every address the name resolves to, and connects only to an address it has checked, so a DNS
answer cannot change between the check and the connection (DNS rebinding).

No well-kept library does this for httpx (the maintained SSRF guards are for ``requests``); the rules
below are the IANA special-purpose registries' (RFC 6890) as Python's ``ipaddress`` reports them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["EgressPolicy", "IPAddress", "Resolver", "is_loopback", "system_resolver"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Resolves (host, port) to the addresses a connection may use; tests inject their own so that no
# lookup, and no packet, ever leaves the machine.
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

# Cloud instance-metadata services outside the link-local range (169.254.169.254 is link-local and
# refused as such): AWS's IPv6 endpoint and Alibaba Cloud's.
_METADATA = frozenset({ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")})
# NAT64 (RFC 6052) embeds an IPv4 address in the low 32 bits; it is judged by that address.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The operating system's resolver (``getaddrinfo``), without blocking the event loop.

    Raises OSError (``socket.gaierror``) when the name does not resolve."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for (IPv4-mapped, NAT64, 6to4 (RFC 3056), Teredo's
    client (RFC 4380)), else the address itself: a relay on the way delivers to that address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


def is_loopback(address: IPAddress) -> bool:
    """Whether ``address`` is this host's loopback, IPv4-mapped ones included (Python 3.11 counts
    ``::ffff:127.0.0.1`` as not loopback). Not the relayed forms (NAT64, 6to4, Teredo): traffic to
    them leaves the host through a relay, so they are refused as loopback (``EgressPolicy``) but
    never trusted as local."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


@dataclass(frozen=True)
class EgressPolicy:
    """What outbound calls may reach.

    Never: link-local addresses (169.254.0.0/16, fe80::/10, which hold the cloud metadata services),
    the other metadata addresses, unspecified, multicast and reserved addresses. Loopback (127.0.0.0/8,
    ::1) only when ``allow_loopback``; private ranges (RFC 1918, fc00::/7, 100.64.0.0/10) only when
    ``allow_private``: self-hosted identity providers on private networks are common, so provider
    calls allow both by default, while an operator hosting many tenants turns them off. Webhooks, whose
    URLs any tenant sets, allow neither by default (``services.webhook_policy``)."""

    allow_private: bool = True
    allow_loopback: bool = True

    def refusal(self, address: IPAddress) -> str | None:
        """Why ``address`` may not be reached (a phrase for the error message), or None when it may."""
        address = _embedded_ipv4(address)
        if address in _METADATA or address.is_link_local:
            return "a link-local or cloud-metadata address"
        # Loopback before reserved: Python counts ::1 as reserved (it lies in ::/8).
        if address.is_loopback:
            return None if self.allow_loopback else "a loopback address"
        if address.is_unspecified or address.is_multicast or address.is_reserved:
            return "an unroutable address"
        if not address.is_global:
            return None if self.allow_private else "a private address"
        return None
