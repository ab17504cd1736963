"""Keys and encryption for counseling content at rest.

Keys are Fernet keys, newest first: the first encrypts, all of them decrypt, so a new key can be
put in front and `rotate_data_keys` re-encrypts old rows before the old key is removed. In
development a key is generated into a git-ignored file; in production settings refuse to start
without EKONSELING_DATA_KEYS.
"""

import functools
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "generate_key", "rotate", "data_keys"]


def generate_key() -> str:
    return Fernet.generate_key().decode()


def _development_key() -> str:
    path = settings.DATA_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(generate_key() + "\n")
    return path.read_text().strip()


def data_keys() -> tuple[str, ...]:
    keys = tuple(settings.DATA_KEYS)
    if keys:
        return keys
    if settings.DEBUG:
        return (_development_key(),)
    raise ImproperlyConfigured("EKONSELING_DATA_KEYS is not set.")


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "EKONSELING_DATA_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes)."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(data_keys())


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """Re-encrypt a token under the primary key (it may have been made with an older one)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")
