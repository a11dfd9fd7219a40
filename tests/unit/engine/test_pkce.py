"""PKCE, RFC 7636: the S256 challenge and the verifiers linkvault sends."""

from __future__ import annotations

import base64
import hashlib
import re

from linkvault.engine import pkce

# RFC 7636 §4.1: code-verifier = 43*128unreserved, unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def test_s256_challenge_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce.code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_the_method_sent_is_s256() -> None:
    assert pkce.CODE_CHALLENGE_METHOD == "S256"


def test_verifier_is_within_rfc_bounds_and_charset() -> None:
    for _ in range(50):
        verifier = pkce.new_code_verifier()
        assert _VERIFIER.fullmatch(verifier), verifier


def test_verifier_is_fresh_each_time() -> None:
    verifiers = {pkce.new_code_verifier() for _ in range(200)}
    assert len(verifiers) == 200


def test_challenge_of_a_fresh_verifier_is_unpadded_base64url_sha256() -> None:
    verifier = pkce.new_code_verifier()
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    challenge = pkce.code_challenge(verifier)
    assert challenge == expected
    assert "=" not in challenge and len(challenge) == 43
