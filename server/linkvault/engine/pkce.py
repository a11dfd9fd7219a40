"""Proof Key for Code Exchange, RFC 7636, with the S256 method only (§4.2)."""

from __future__ import annotations

import secrets

from authlib.oauth2.rfc7636 import create_s256_code_challenge

__all__ = ["CODE_CHALLENGE_METHOD", "code_challenge", "new_code_verifier"]

CODE_CHALLENGE_METHOD = "S256"


def new_code_verifier() -> str:
    """A verifier of 86 unreserved characters (512 random bits); RFC 7636 §4.1 allows 43 to 128."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    """BASE64URL(SHA256(verifier)) without padding, RFC 7636 §4.2."""
    challenge: str = create_s256_code_challenge(verifier)
    return challenge
