"""Encryption at rest: Fernet (AES-128-CBC with HMAC-SHA256) through ``cryptography``'s MultiFernet.

The first key encrypts; every key decrypts, so keys rotate by putting a new one first and
re-encrypting (``linkvault keys rotate``).
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from linkvault.errors import ConfigurationError, DecryptionError

__all__ = ["RECENT_PLAINTEXTS", "Cipher", "generate_key", "load_key_file"]

# How many plaintexts ``Cipher.decrypt_recent`` keeps (the credentials read's access tokens): about
# 0.5 KiB each with their ciphertexts, 8 MiB in all.
RECENT_PLAINTEXTS = 16384


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


class Cipher:
    """Encrypts and decrypts secrets; never shows a key or a plaintext in its repr."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ConfigurationError("no encryption key is configured")
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode("ascii")) for key in keys])
        except (ValueError, UnicodeEncodeError) as exc:
            raise ConfigurationError(
                "an encryption key is not a valid Fernet key (32 url-safe base64-encoded bytes)"
            ) from exc
        self._recent = functools.lru_cache(maxsize=RECENT_PLAINTEXTS)(self.decrypt)

    @classmethod
    def from_setting(cls, value: str) -> Cipher:
        return cls([key for key in value.split(",") if key.strip()])

    def __repr__(self) -> str:
        return "Cipher(<keys hidden>)"

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        with _undecryptable_is_an_error():
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")

    def decrypt_recent(self, ciphertext: str) -> str:
        """``decrypt``, answered from the last ``RECENT_PLAINTEXTS`` ciphertexts decrypted this way
        when ``ciphertext`` is one of them. Never stale: a ciphertext has one plaintext, and a new
        token is a new ciphertext (Fernet encrypts with a fresh IV), so what changes in the database
        is a miss. For the credentials read, which decrypts the same access token on every call until
        it is refreshed (a Fernet decryption saved a read: 15-40 µs of CPU, by machine). Raises DecryptionError, remembering nothing."""
        return self._recent(ciphertext)

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt under the first key."""
        with _undecryptable_is_an_error():
            return self._fernet.rotate(ciphertext.encode("ascii")).decode("ascii")


@contextmanager
def _undecryptable_is_an_error() -> Iterator[None]:
    try:
        yield
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError(
            "a stored secret cannot be decrypted with the configured encryption keys"
        ) from exc


def load_key_file(path: Path) -> str:
    """Read the key kept beside an embedded database, creating it (mode 0600) on first use."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: a process starting at the
    # same moment sees either no key file or a complete one, and only one key ever wins.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".linkvault-key-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(generate_key() + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    return path.read_text(encoding="ascii").strip()
