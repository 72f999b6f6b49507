"""Secrets (tokens, API keys) are shown once and stored as sha256 hex digests."""

import hashlib
import hmac
import secrets


def new_secret() -> str:
    """A fresh random token, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The sha256 hex digest that is stored instead of the secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
