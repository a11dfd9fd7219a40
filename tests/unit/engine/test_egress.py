"""Outbound calls reach only allowed addresses, judged after DNS resolution, and are bounded as a whole.

No test here lets a packet leave for a non-loopback address: names resolve through a fake resolver, and
connections go through a backend that records the attempt and refuses every address but loopback.
"""

from __future__ import annotations

import ipaddress
import time

import pytest

from linkvault.engine import http
from linkvault.engine.egress import EgressPolicy, IPAddress, Resolver, is_loopback
from linkvault.errors import AddressNotAllowed, ProviderTimeout, ProviderUnavailable
from support.egress import RecordingBackend, raw_server, resolving_to

pytestmark = pytest.mark.anyio


async def get(url: str, *, resolver: Resolver, backend: RecordingBackend, **policy: bool) -> int:
    client = http.new_client(
        timeout_seconds=2, policy=EgressPolicy(**policy), resolver=resolver, network_backend=backend
    )
    async with client:
        return (await http.get(client, url)).status_code


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",  # AWS, GCP and Azure instance metadata
        "fd00:ec2::254",  # AWS instance metadata over IPv6
        "100.100.100.200",  # Alibaba Cloud instance metadata
        "fe80::1",
        "::ffff:169.254.169.254",  # IPv4-mapped
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:5601:5601",  # Teredo, client 169.254.169.254 (obfuscated)
        "0.0.0.0",  # noqa: S104 (a resolver answer, not a binding)
        "224.0.0.1",
        "240.0.0.1",
    ],
)
async def test_a_name_resolving_to_a_metadata_or_unroutable_address_is_refused_before_connecting(
    address: str,
) -> None:
    backend = RecordingBackend()
    asked, resolver = resolving_to(address)
    with pytest.raises(AddressNotAllowed, match=r"provider\.example"):
        await get("https://provider.example/token", resolver=resolver, backend=backend)
    assert asked == ["provider.example"]
    assert backend.attempts == []


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/"])
async def test_a_literal_metadata_address_is_refused_without_a_lookup(url: str) -> None:
    backend = RecordingBackend()
    asked, resolver = resolving_to("127.0.0.1")
    with pytest.raises(AddressNotAllowed):
        await get(url, resolver=resolver, backend=backend)
    assert asked == []
    assert backend.attempts == []


async def test_one_bad_address_among_the_answers_refuses_the_name() -> None:
    backend = RecordingBackend()
    _, resolver = resolving_to("127.0.0.1", "169.254.169.254")
    with pytest.raises(AddressNotAllowed):
        await get("http://provider.example/", resolver=resolver, backend=backend)
    assert backend.attempts == []


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "172.16.5.5", "fd12::1", "100.64.0.1"])
async def test_private_addresses_are_reached_by_default_and_refused_when_the_policy_says_so(
    address: str,
) -> None:
    backend = RecordingBackend()
    _, resolver = resolving_to(address)
    # Allowed: the connection is attempted, to the checked address itself (the test backend refuses it).
    with pytest.raises(ProviderUnavailable) as allowed:
        await get("http://idp.internal:8443/", resolver=resolver, backend=backend)
    assert not isinstance(allowed.value, AddressNotAllowed)
    assert backend.attempts == [(str(ipaddress.ip_address(address)), 8443)]

    strict = RecordingBackend()
    with pytest.raises(AddressNotAllowed, match="a private address"):
        await get("http://idp.internal:8443/", resolver=resolver, backend=strict, allow_private=False)
    assert strict.attempts == []


async def test_loopback_is_refused_when_the_policy_says_so() -> None:
    backend = RecordingBackend()
    _, resolver = resolving_to("127.0.0.1")
    with pytest.raises(AddressNotAllowed, match="loopback"):
        await get("http://localhost:9/", resolver=resolver, backend=backend, allow_loopback=False)
    assert backend.attempts == []


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1"])
def test_ipv6_loopback_is_loopback_like_ipv4s(address: str) -> None:
    """Python counts ::1 as reserved (::/8); it is loopback, and judged as such."""
    ip = ipaddress.ip_address(address)

    assert EgressPolicy().refusal(ip) is None
    assert EgressPolicy(allow_loopback=False).refusal(ip) == "a loopback address"


@pytest.mark.parametrize(
    ("address", "local"), [("::ffff:127.0.0.1", True), ("64:ff9b::7f00:1", False), ("2002:7f00:1::", False)]
)
def test_loopback_embedded_in_ipv6_is_refused_as_loopback_but_only_mapped_is_local(
    address: str, local: bool
) -> None:
    """A relay (NAT64, 6to4) delivers to the embedded IPv4 address, so it is judged by it (a trial got a
    webhook to 2002:7f00:1:: accepted with loopback refused); but only an IPv4-mapped address stays on
    this host, so only it may use the loopback exceptions (http://, serve's plain-http check)."""
    ip = ipaddress.ip_address(address)

    assert is_loopback(ip) is local
    assert EgressPolicy(allow_loopback=False, allow_private=False).refusal(ip) == "a loopback address"


@pytest.mark.parametrize("address", ["::", "::2", "ff02::1", "0.0.0.0", "240.0.0.1"])  # noqa: S104 (judged, never bound)
def test_unspecified_multicast_and_reserved_addresses_stay_unroutable(address: str) -> None:
    assert EgressPolicy().refusal(ipaddress.ip_address(address)) == "an unroutable address"


async def test_a_name_that_does_not_resolve_is_a_provider_failure() -> None:
    async def nxdomain(host: str, port: int) -> list[IPAddress]:
        raise OSError("Name or service not known")

    backend = RecordingBackend()
    with pytest.raises(ProviderUnavailable) as failure:
        await get("http://nowhere.example/", resolver=nxdomain, backend=backend)
    assert not isinstance(failure.value, AddressNotAllowed)
    assert backend.attempts == []


async def test_a_redirect_is_answered_not_followed() -> None:
    answer = b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n"
    backend = RecordingBackend()
    _, resolver = resolving_to("127.0.0.1")
    async with raw_server(answer) as port:
        status = await get(f"http://provider.example:{port}/", resolver=resolver, backend=backend)
    assert status == 302
    assert backend.attempts == [("127.0.0.1", port)]


async def test_an_answer_that_trickles_in_is_cut_off_at_the_whole_call_deadline() -> None:
    # Every byte comes well within any per-read timeout; only a bound on the call as a whole stops it.
    body = b'{"access_token": "' + b"a" * 60 + b'"}'
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )
    _, resolver = resolving_to("127.0.0.1")
    client = http.new_client(timeout_seconds=0.5, resolver=resolver, network_backend=RecordingBackend())
    async with raw_server(answer, drip_seconds=0.05) as port, client:
        started = time.monotonic()
        with pytest.raises(ProviderTimeout, match=r"no whole answer within 0\.5 s"):
            await http.get(client, f"http://provider.example:{port}/token")
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
