"""Password policy and argon2id hashing (upgraded to the current parameters at login)."""

from __future__ import annotations

import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Refused whatever their length: the most common choices and their obvious extensions.
COMMON_PASSWORDS = frozenset(
    [
        "password",
        "password1",
        "password12",
        "password123",
        "password1234",
        "password12345",
        "passw0rd123",
        "p@ssw0rd123",
        "123456789012",
        "1234567890123",
        "12345678910",
        "qwertyuiop",
        "qwertyuiop123",
        "qwerty123456",
        "qwertyuiopas",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "qazwsxedcrfv",
        "zaq12wsxcde3",
        "abcdefghijkl",
        "abc123456789",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "welcome123456",
        "administrator",
        "admin1234567",
        "changeme1234",
        "trustno1trustno1",
        "football1234",
        "baseball1234",
        "superman1234",
        "sunshine1234",
        "princess1234",
        "dragon123456",
        "monkey123456",
        "111111111111",
        "000000000000",
        "123123123123",
        "aaaaaaaaaaaa",
        "passwordpassword",
        "correcthorsebatterystaple",
        "justicetracker",
        "justice12345",
        "1234567890ab",
        "1234qwerasdf",
        "asdfghjkl123",
        "qwertyqwerty",
    ]
)


class PasswordPolicyError(ValueError):
    pass


def check_policy(password: str, *, email: str | None = None) -> None:
    """Raise PasswordPolicyError with a user-readable message when the password is refused.

    Length is counted in Unicode code points after NFC normalisation; spaces and any
    script are allowed and nothing is ever truncated.
    """
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    normalised = unicodedata.normalize("NFC", password)
    if len(normalised) < minimum:
        raise PasswordPolicyError(f"Use at least {minimum} characters; a passphrase of several words works well.")
    if len(normalised) > 1024:
        raise PasswordPolicyError("Use at most 1024 characters.")
    folded = normalised.casefold()
    if folded in COMMON_PASSWORDS or folded.replace(" ", "") in COMMON_PASSWORDS:
        raise PasswordPolicyError("This password is too common; choose another.")
    if len(set(folded)) < 4:
        raise PasswordPolicyError("This password repeats too few characters; choose another.")
    if email and folded.startswith(email.casefold().split("@", 1)[0]) and len(folded) < minimum + 4:
        raise PasswordPolicyError("The password must not be based on your email address.")


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST_KIB"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(unicodedata.normalize("NFC", password))


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, unicodedata.normalize("NFC", password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def burn_verification_time(password: str) -> None:
    """Spend one verification's time, so an unknown username answers like a known one."""
    cfg = current_app.config
    params = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST_KIB"], cfg["ARGON2_PARALLELISM"])
    if params not in _DUMMY_HASHES:
        _DUMMY_HASHES[params] = hash_password(secrets.token_urlsafe(16))
    verify_password(_DUMMY_HASHES[params], password)


def generate_password() -> str:
    """A strong random password for `flask users create` (about 120 bits)."""
    return secrets.token_urlsafe(15)
