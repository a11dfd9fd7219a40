"""Encryption at rest: Fernet under MultiFernet, key rotation, and the key file beside SQLite."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from linkvault.errors import ConfigurationError, DecryptionError
from linkvault.store.crypto import Cipher, generate_key, load_key_file

SECRET = "refresh-token-ü-🔑"


def test_round_trip() -> None:
    cipher = Cipher([generate_key()])
    ciphertext = cipher.encrypt(SECRET)
    assert SECRET not in ciphertext
    assert cipher.decrypt(ciphertext) == SECRET


def test_encryption_is_randomised() -> None:
    cipher = Cipher([generate_key()])
    assert cipher.encrypt(SECRET) != cipher.encrypt(SECRET)


def test_an_old_key_second_in_the_list_still_decrypts() -> None:
    old, new = generate_key(), generate_key()
    stored = Cipher([old]).encrypt(SECRET)
    assert Cipher([new, old]).decrypt(stored) == SECRET


def test_new_secrets_are_encrypted_under_the_first_key() -> None:
    old, new = generate_key(), generate_key()
    ciphertext = Cipher([new, old]).encrypt(SECRET)
    assert Cipher([new]).decrypt(ciphertext) == SECRET
    with pytest.raises(DecryptionError):
        Cipher([old]).decrypt(ciphertext)


def test_rotate_re_encrypts_under_the_first_key() -> None:
    old, new = generate_key(), generate_key()
    stored = Cipher([old]).encrypt(SECRET)
    rotated = Cipher([new, old]).rotate(stored)
    # After rotation the old key can be dropped.
    assert Cipher([new]).decrypt(rotated) == SECRET
    with pytest.raises(DecryptionError):
        Cipher([old]).decrypt(rotated)


def test_rotate_with_no_matching_key_fails() -> None:
    stored = Cipher([generate_key()]).encrypt(SECRET)
    with pytest.raises(DecryptionError):
        Cipher([generate_key()]).rotate(stored)


@pytest.mark.parametrize(
    "ciphertext",
    ["", "not a token", Fernet(Fernet.generate_key()).encrypt(b"x").decode()],
    ids=["empty", "garbage", "another-key"],  # fixed ids: every pytest-xdist worker collects the same
)
def test_a_wrong_key_or_damaged_ciphertext_is_a_decryption_error(ciphertext: str) -> None:
    with pytest.raises(DecryptionError):
        Cipher([generate_key()]).decrypt(ciphertext)


def test_a_tampered_ciphertext_is_a_decryption_error() -> None:
    cipher = Cipher([generate_key()])
    ciphertext = cipher.encrypt(SECRET)
    tampered = ciphertext[:-5] + ("A" if ciphertext[-5] != "A" else "B") + ciphertext[-4:]
    with pytest.raises(DecryptionError):
        cipher.decrypt(tampered)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param([], id="none"),
        pytest.param(["not-a-key"], id="garbage"),
        pytest.param([""], id="empty"),
        pytest.param(["a" * 43], id="short"),
        pytest.param(["é" * 44], id="non-ascii"),
        pytest.param([generate_key(), "not-a-key"], id="second-invalid"),
    ],
)
def test_an_invalid_key_is_a_configuration_error(keys: list[str]) -> None:
    with pytest.raises(ConfigurationError):
        Cipher(keys)


def test_keys_from_the_setting_are_comma_separated_and_trimmed() -> None:
    old, new = generate_key(), generate_key()
    stored = Cipher([old]).encrypt(SECRET)
    cipher = Cipher.from_setting(f" {new} , {old},")
    assert cipher.decrypt(stored) == SECRET
    assert Cipher([new]).decrypt(cipher.encrypt(SECRET)) == SECRET


def test_an_empty_setting_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        Cipher.from_setting(" , ")


def test_repr_hides_the_keys() -> None:
    key = generate_key()
    cipher = Cipher([key])
    assert key not in repr(cipher)
    assert key not in str(cipher)
    assert key[:10] not in repr(cipher)


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "linkvault.db.key"
    key = load_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key_file(path) == key
    # The key works, and a later process with the same file reads what an earlier one wrote.
    ciphertext = Cipher([key]).encrypt(SECRET)
    assert Cipher([load_key_file(path)]).decrypt(ciphertext) == SECRET


def test_an_existing_key_file_is_read_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "linkvault.db.key"
    key = generate_key()
    path.write_text(key + "\n", encoding="ascii")
    assert load_key_file(path) == key
    assert path.read_text(encoding="ascii") == key + "\n"


def test_separate_databases_get_separate_keys(tmp_path: Path) -> None:
    assert load_key_file(tmp_path / "a.key") != load_key_file(tmp_path / "b.key")


def test_decrypt_recent_answers_what_decrypt_does_and_a_new_ciphertext_is_never_stale() -> None:
    cipher = Cipher([generate_key()])
    first = cipher.encrypt("access-1")
    assert cipher.decrypt_recent(first) == "access-1"
    assert cipher.decrypt_recent(first) == "access-1"
    # A refreshed token is a new ciphertext, whatever it holds.
    assert cipher.decrypt_recent(cipher.encrypt("access-2")) == "access-2"
    assert cipher.decrypt_recent(first) == "access-1"


def test_decrypt_recent_remembers_no_failure() -> None:
    key = generate_key()
    foreign = Cipher([generate_key()]).encrypt(SECRET)
    cipher = Cipher([key])
    for _ in range(2):
        with pytest.raises(DecryptionError):
            cipher.decrypt_recent(foreign)
