"""Webhook signatures, checked with the ``standardwebhooks`` package; the retry schedule; durations."""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from linkvault.engine.durations import format_duration, parse_duration
from linkvault.engine.services import webhook_policy
from linkvault.engine.webhook_delivery import RETRY_SCHEDULE_SECONDS, retry_delay
from linkvault.engine.webhook_signing import new_secret, signed_headers
from linkvault.errors import InvalidInput
from linkvault.settings import Settings

BODY = b'{"data":{},"id":"e1","timestamp":"2026-11-30T00:00:00+00:00","type":"ping"}'


def test_a_signature_verifies_with_its_secret_and_not_with_another() -> None:
    secret, other = new_secret(), new_secret()
    headers = signed_headers(secrets_=[secret], message_id="msg_1", timestamp=datetime.now(UTC), body=BODY)

    assert Webhook(secret).verify(BODY, headers) == {
        "data": {}, "id": "e1", "timestamp": "2026-11-30T00:00:00+00:00", "type": "ping",
    }  # fmt: skip
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"ping", b"pong"), headers)


def test_two_secrets_give_two_signatures_each_of_which_verifies() -> None:
    old, new = new_secret(), new_secret()
    headers = signed_headers(secrets_=[new, old], message_id="msg_2", timestamp=datetime.now(UTC), body=BODY)

    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(BODY, headers)
    Webhook(new).verify(BODY, headers)


def test_secrets_are_fresh_and_carry_32_random_bytes() -> None:
    secrets = {new_secret() for _ in range(50)}

    assert len(secrets) == 50
    assert all(secret.startswith("whsec_") and len(secret) == 6 + 44 for secret in secrets)


def test_the_retry_schedule_is_bounded_and_jittered() -> None:
    rng = random.Random(7)
    delays = [retry_delay(n, rng=rng) for n in range(1, len(RETRY_SCHEDULE_SECONDS) + 2)]

    assert delays[-1] is None
    for delay, base in zip(delays[:-1], RETRY_SCHEDULE_SECONDS, strict=True):
        assert delay is not None and base * 0.8 <= delay <= base * 1.2
    assert len({retry_delay(1, rng=rng) for _ in range(20)}) > 1


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("P180D", 15_552_000), ("PT12H", 43_200), ("86400", 86_400), ("P1DT1H1M1S", 90_061), ("pt90m", 5_400)],
)
def test_durations_are_read_as_iso_8601_or_seconds(text: str, seconds: int) -> None:
    assert parse_duration(text, field=("refresh_idle_after",)) == seconds


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "1.5", "-3", "P1Y", "P1W", "soon"])
def test_other_durations_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_duration(text, field=("refresh_idle_after",))
    assert refused.value.field == ("refresh_idle_after",)


def test_durations_are_shown_in_days_when_whole() -> None:
    assert (format_duration(86_400 * 3), format_duration(3_600)) == ("P3D", "PT3600S")


@pytest.mark.parametrize("allowed", [False, True])
def test_webhooks_reach_private_and_loopback_addresses_only_when_allowed(allowed: bool) -> None:
    policy = webhook_policy(
        Settings(database_url="sqlite+aiosqlite:///unused.db", webhooks_allow_private=allowed)
    )

    for address in ("127.0.0.1", "::1", "10.0.0.1", "192.168.1.2"):
        assert (policy.refusal(ipaddress.ip_address(address)) is None) is allowed, address
    assert policy.refusal(ipaddress.ip_address("169.254.169.254")) is not None
    assert policy.refusal(ipaddress.ip_address("93.184.215.14")) is None
