"""Secrets at rest: connection credentials and signing secrets, encrypted with MultiFernet.

Keys come from `INTEGRATIONS_SECRET_KEYS` (comma-separated Fernet keys, newest first):
the first encrypts, every one decrypts, so a key rotates by putting a new one in front and
running `manage.py integrations_rotate_keys` (re-encrypts every row with the first key)
before the old one is dropped. Production refuses to start without the variable
(settings/production.py); development and tests derive one key from SECRET_KEY with HKDF,
so nothing secret is checked in and a dev database stays readable across restarts.

Plain values never reach a log, an error message, an API response after creation, or a
history table: callers hold them only for the length of a request.
"""

from __future__ import annotations

import base64
import json
import secrets
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SIGNING_SECRET_PREFIX = "whsec_"
SIGNING_SECRET_BYTES = 32  # Standard Webhooks asks for 24 to 64


class SecretUnreadable(Exception):
    """A stored secret no configured key decrypts (a key was dropped too early)."""


def _derived_dev_key() -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"ats-milestones",
        info=b"integrations secrets at rest",
    )
    return base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode()))


@cache
def _fernet() -> MultiFernet:
    keys = [k.strip() for k in (settings.INTEGRATIONS_SECRET_KEYS or []) if k.strip()]
    return MultiFernet([Fernet(k) for k in keys] if keys else [Fernet(_derived_dev_key())])


def reset_keys() -> None:
    """Forget the loaded keys (tests that change the setting)."""
    _fernet.cache_clear()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("no configured key decrypts this secret") from exc


def rotate(token: str) -> str:
    """The same secret under the first key."""
    return _fernet().rotate(token.encode()).decode() if token else ""


def encrypt_json(value) -> str:
    return encrypt(json.dumps(value))


def decrypt_json(token: str):
    return json.loads(decrypt(token)) if token else None


def signing_secret_new() -> str:
    """A Standard Webhooks secret: `whsec_` and base64 of 32 random bytes."""
    raw = secrets.token_bytes(SIGNING_SECRET_BYTES)
    return SIGNING_SECRET_PREFIX + base64.b64encode(raw).decode()


def signing_secret_valid(value: str) -> bool:
    if not value.startswith(SIGNING_SECRET_PREFIX):
        return False
    try:
        raw = base64.b64decode(value[len(SIGNING_SECRET_PREFIX) :], validate=True)
    except ValueError:
        return False
    return 24 <= len(raw) <= 64
