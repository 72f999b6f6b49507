"""Console passwords: argon2id hashes (argon2-cffi's defaults), never the password itself."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()

# Verified when the username is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("suban-no-such-user")


def hash_password(password: str) -> str:
    """The argon2 hash to store."""
    return _hasher.hash(password)


def verify_password(*, password: str, password_hash: str | None) -> bool:
    """True when the password matches the hash; False for no hash (spending the same time)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
