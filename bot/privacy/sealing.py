"""Personal data: ID numbers sealed with AES-GCM under the data key (`masking` shows them).

The key comes from `VETBOT_DATA_KEY` (any long random string; HKDF turns it into an AES key).
Without it, a random key is made once and kept in `VETBOT_DATA_KEY_FILE` (var/data.key,
outside git), with a warning: losing that file makes every sealed ID number unreadable, so a
deployment sets the environment variable and keeps it with its other secrets.

The same secret, through HKDF under labels of their own (`DataKey.derive`), also signs the web
chat's identity cookies and keys the hashes that stand for identities in logs and rate limits.

Rotating the key (`vetbot privacy rotate-key`, bot/privacy/rotation.py): the new secret goes in
`VETBOT_DATA_KEY` and the old one in `VETBOT_DATA_KEY_PREVIOUS`; values are then sealed under the
new key and open under either, until the rotation has re-sealed every stored value and the old
key is removed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.config import Settings
from bot.errors import VetbotError

log = logging.getLogger(__name__)

SEALED = "sealed:v1:"  # prefix of a sealed value: recognisable, and versioned for a new scheme
_INFO = b"vetbot personal data v1"
_NONCE = 12


class PersonalDataUnreadable(VetbotError):
    """A sealed value does not open with this key: the data key changed or the value is damaged."""


class DataKey:
    """Seals and opens personal values. One per key; `data_key(settings)` caches it."""

    def __init__(self, secret: bytes, previous: tuple[DataKey, ...] = ()) -> None:
        if len(secret) < 16:
            raise ValueError("VETBOT_DATA_KEY must be at least 16 characters of random text")
        key = _derive(secret, _INFO)
        self._aead = AESGCM(key)
        # Stored with every value, so a value sealed under another key is named as such.
        self.key_id = hashlib.sha256(key).hexdigest()[:8]
        self._secret = secret
        self._purposes: dict[str, bytes] = {}
        # Keys values may still be sealed under while a rotation runs: they open, never seal.
        self.previous = previous

    def derive(self, purpose: str) -> bytes:
        """A key of its own for `purpose` ("web identity", "rate limits"…): HKDF of the same
        secret under another label, so one secret serves every use and no use reveals another's
        key."""
        if purpose not in self._purposes:
            self._purposes[purpose] = _derive(self._secret, f"vetbot {purpose} v1".encode())
        return self._purposes[purpose]

    def fingerprint(self, purpose: str, text: str) -> str:
        """A keyed hash of `text` for `purpose` (32 hex digits): equal texts match, and without
        the key nobody can tell which text it was, however few the candidates (addresses)."""
        digest = hmac.new(self.derive(purpose), text.encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:32]

    def seal(self, text: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = self._aead.encrypt(nonce, text.encode("utf-8"), self.key_id.encode())
        return f"{SEALED}{self.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, value: str) -> str:
        if not is_sealed(value):
            raise PersonalDataUnreadable("the value is not sealed")
        key_id, _, body = value[len(SEALED) :].partition(":")
        older = next((key for key in self.previous if key.key_id == key_id), None)
        if older is not None:
            return older.open(value)
        if key_id != self.key_id:
            raise PersonalDataUnreadable(
                f"the value was sealed under data key {key_id}, this server has {self.key_id}; "
                "set VETBOT_DATA_KEY to the key it was sealed with"
            )
        try:
            raw = base64.urlsafe_b64decode(body.encode())
            opened = self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], key_id.encode())
        except (ValueError, InvalidTag) as exc:
            raise PersonalDataUnreadable(f"a sealed value is damaged ({key_id})") from exc
        return opened.decode("utf-8")


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEALED)


def data_key(settings: Settings) -> DataKey:
    """The key from the settings, else the development key file (made on first use)."""
    secret = settings.data_key.get_secret_value()
    previous = settings.data_key_previous.get_secret_value()
    if secret:
        return _key(secret.encode("utf-8"), previous.encode("utf-8"))
    return _file_key(settings.data_key_file.resolve())


def sealed_under(value: str) -> str:
    """The id of the key a sealed value was sealed under."""
    return value[len(SEALED) :].partition(":")[0]


@cache
def _key(secret: bytes, previous: bytes = b"") -> DataKey:
    older = (DataKey(previous),) if previous and previous != secret else ()
    return DataKey(secret, older)


@cache
def _file_key(path: Path) -> DataKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together must not each write their own key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as file:
                file.write(secrets.token_urlsafe(32) + "\n")
            log.warning(
                "VETBOT_DATA_KEY is not set: made a random development key in %s. ID numbers "
                "are sealed with it and cannot be read without it; set VETBOT_DATA_KEY in "
                "production",
                path,
            )
    else:
        log.warning("VETBOT_DATA_KEY is not set: using the development key in %s", path)
    return DataKey(path.read_text(encoding="ascii").strip().encode("ascii"))
