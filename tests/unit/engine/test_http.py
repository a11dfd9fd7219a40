"""The outbound client: what its requests carry, and nothing looked up on the import path per call once warm."""

from __future__ import annotations

import gzip
import importlib.abc
import sys
import tracemalloc
import zlib
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

import pytest

from linkvault.engine import http
from linkvault.errors import ProviderUnavailable
from support.egress import RecordingBackend, raw_server, recording_server, resolving_to

pytestmark = pytest.mark.anyio


class _ImportLookups(importlib.abc.MetaPathFinder):
    """Records every module name the import system searches for (a name not in ``sys.modules``)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        self.names.append(fullname)
        return None


async def test_a_warm_client_searches_for_no_module_per_call() -> None:
    """httpcore asks for ``sniffio`` on every request and falls back to asyncio when it is missing; a
    missing module is searched for on every ``sys.path`` entry each time (about 50 µs a call, a fifth
    of a callback's CPU when measured), so linkvault depends on sniffio."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    _, resolver = resolving_to("127.0.0.1")
    client = http.new_client(timeout_seconds=2, resolver=resolver, network_backend=RecordingBackend())
    lookups = _ImportLookups()
    async with raw_server(answer) as port, client:
        url = f"http://provider.example:{port}/token"
        assert (await http.get(client, url)).status_code == 200  # first use: imports the backends
        sys.meta_path.insert(0, lookups)
        try:
            for _ in range(3):
                assert (await http.get(client, url)).status_code == 200
        finally:
            sys.meta_path.remove(lookups)
    assert lookups.names == []


# Set in every answer, as load balancers with sticky sessions do.
_SETS_A_COOKIE = (
    b"HTTP/1.1 200 OK\r\nSet-Cookie: session=of-the-first-caller; Path=/\r\n"
    b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
)


async def test_a_cookie_one_answer_sets_goes_out_with_no_later_request() -> None:
    """The client is shared by every project: a cookie a provider set while answering one project's
    token request must not travel with another project's, nor with a webhook."""
    heads: list[bytes] = []
    _, resolver = resolving_to("127.0.0.1")
    client = http.new_client(timeout_seconds=2, resolver=resolver, network_backend=RecordingBackend())
    async with recording_server(_SETS_A_COOKIE, heads) as port, client:
        url = f"http://provider.example:{port}/token"
        await http.post_form(client, url, body="grant_type=authorization_code&code=a", headers={})
        await http.post_form(client, url, body="grant_type=authorization_code&code=b", headers={})
        await http.get(client, url)
    assert len(heads) == 3
    assert all(b"\r\ncookie:" not in head.lower() for head in heads), heads
    # Named, as some providers require (GitHub's API refuses a request without a User-Agent).
    assert all(b"\r\nuser-agent: linkvault/" in head.lower() for head in heads), heads
    # Answers are small: no content coding is asked for (RFC 9110 §12.5.3).
    assert all(b"\r\naccept-encoding: identity\r\n" in head.lower() for head in heads), heads


async def test_a_proxy_named_in_the_environment_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/configuration.md: the egress check judges the address connected to, so no proxy stands between."""
    proxied: list[bytes] = []
    _, resolver = resolving_to("127.0.0.1")
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    async with recording_server(_SETS_A_COOKIE, proxied) as proxy_port, raw_server(answer) as port:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{proxy_port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with http.new_client(
            timeout_seconds=2, resolver=resolver, network_backend=RecordingBackend()
        ) as client:
            assert (await http.get(client, f"http://provider.example:{port}/jwks")).status_code == 200
    assert proxied == []


def _answer(body: bytes, coding: str) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: {coding}\r\n"
    return head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


async def _get(answer: bytes) -> http.ProviderResponse:
    _, resolver = resolving_to("127.0.0.1")
    async with (
        raw_server(answer) as port,
        http.new_client(timeout_seconds=5, resolver=resolver, network_backend=RecordingBackend()) as client,
    ):
        return await http.get(client, f"http://provider.example:{port}/token")


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("body", "coding"),
    [
        (gzip.compress(b'{"access_token": "a"}'), "gzip"),
        (zlib.compress(b'{"access_token": "a"}'), "deflate"),
        (_raw_deflate(b'{"access_token": "a"}'), "deflate"),
        (gzip.compress(zlib.compress(b'{"access_token": "a"}')), "deflate, gzip"),
        (b'{"access_token": "a"}', "identity"),
        (gzip.compress(b'{"access_') + gzip.compress(b'token": "a"}'), "gzip"),
        (zlib.compress(b'{"access_token": "a"}'), " DEFLATE ,identity"),
    ],
    ids=["gzip", "deflate", "raw deflate", "two codings", "identity", "two gzip members", "spelt loosely"],
)
async def test_an_encoded_answer_is_read_decoded(body: bytes, coding: str) -> None:
    assert (await _get(_answer(body, coding))).json() == {"access_token": "a"}


@pytest.mark.parametrize(
    "body", [_raw_deflate(b'{"access_token": "a"}'), zlib.compress(b'{"access_token": "a"}')]
)
async def test_a_deflated_answer_arriving_a_byte_at_a_time_is_read_decoded(body: bytes) -> None:
    """Whether the stream is zlib's or raw is told from its first two bytes, whatever pieces they come in."""
    _, resolver = resolving_to("127.0.0.1")
    async with (
        raw_server(_answer(body, "deflate"), drip_seconds=0.001) as port,
        http.new_client(timeout_seconds=5, resolver=resolver, network_backend=RecordingBackend()) as client,
    ):
        assert (await http.get(client, f"http://provider.example:{port}/token")).json() == {
            "access_token": "a"
        }


async def test_an_answer_that_inflates_past_the_bound_is_refused_without_inflating_it_all() -> None:
    """A decompression bomb: 660 bytes of gzip inside gzip that inflate to 300 MB. linkvault stops at
    the 1 MiB bound it sets every answer, holding about that much."""
    bomb = gzip.compress(gzip.compress(b" " * 300 * 2**20))
    assert len(bomb) < 1024
    tracemalloc.start()
    try:
        with pytest.raises(ProviderUnavailable, match="too large"):
            await _get(_answer(bomb, "gzip, gzip"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20


@pytest.mark.parametrize(
    ("body", "coding", "why"),
    [
        (b"\x1f\x8b not gzip at all", "gzip", "corrupt"),
        (b"{}", "br", "encoded as 'br'"),
        (gzip.compress(b"{}")[:-6], "gzip", "cut short"),
        (gzip.compress(b"{}") + b"junk after the stream", "gzip", "corrupt"),
        (zlib.compress(b"{}") + b"x", "deflate", "corrupt"),
        (gzip.compress(gzip.compress(gzip.compress(b"{}"))), "gzip, gzip, gzip", "more than 2 times"),
        (b"", "gzip, " * 20_000 + "gzip", "more than 2 times"),
    ],
    ids=[
        "corrupt",
        "unknown coding",
        "cut short",
        "bytes after gzip",
        "bytes after deflate",
        "three codings",
        "thousands of codings",
    ],
)
async def test_an_answer_whose_coding_cannot_be_undone_is_the_providers_failure(
    body: bytes, coding: str, why: str
) -> None:
    with pytest.raises(ProviderUnavailable, match=why):
        await _get(_answer(body, coding))
