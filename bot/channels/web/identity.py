"""Web chat identities: made by the server only, and carried signed so no client can pick one.

An identity is `w` and 22 characters of 128 random bits. The browser holds it in a cookie as
`<identity>.<signature>`, the signature an HMAC-SHA256 (first 128 bits) under a key of its own
derived from the data key (`DataKey.derive("web identity")`). A value the server did not sign
(forged, guessed, cut short, from before identities were signed, or signed under another data
key) is not an identity: the caller issues a new one instead. Whoever holds the signed value
is that web user, so it is kept out of scripts (HttpOnly) and out of logs.

While the data key is rotated (`VETBOT_DATA_KEY_PREVIOUS` set), a cookie signed under the previous
key still carries its identity (`verify_previous`), and the caller signs it anew under the new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from bot.config import Settings
from bot.privacy.sealing import data_key

PURPOSE = "web identity"  # the label of the signing key
# What the server signs is what it issued; the signature, not the shape, is the proof.
_SHAPE = re.compile(r"^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{22})$")


@dataclass(frozen=True, slots=True)
class Issued:
    identity: str  # the conversation key's chat and user
    cookie: str  # what the browser keeps


class Identities:
    def __init__(self, key: bytes, previous: tuple[bytes, ...] = ()) -> None:
        self._key = key
        self._previous = previous

    def issue(self) -> Issued:
        """A new identity nobody has had, and its signed cookie value."""
        identity = "w" + secrets.token_urlsafe(16)
        return Issued(identity, self.cookie_for(identity))

    def cookie_for(self, identity: str) -> str:
        return f"{identity}.{self._signature(identity)}"

    def verify(self, cookie: str | None) -> str | None:
        """The identity a cookie value carries, or None when the server did not sign it."""
        match = _SHAPE.match(cookie or "")
        if match is None:
            return None
        identity, signature = match[1], match[2]
        return identity if hmac.compare_digest(signature, self._signature(identity)) else None

    def verify_previous(self, cookie: str | None) -> str | None:
        """The identity of a cookie signed under the previous data key (a rotation is under
        way): the caller gives the browser `cookie_for` it, signed under the current key."""
        match = _SHAPE.match(cookie or "")
        if match is None:
            return None
        identity, signature = match[1], match[2]
        for key in self._previous:
            if hmac.compare_digest(signature, self._signature(identity, key)):
                return identity
        return None

    def _signature(self, identity: str, key: bytes | None = None) -> str:
        mac = hmac.new(key or self._key, identity.encode("ascii"), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def identities(settings: Settings) -> Identities:
    """The identities of this deployment: every process with the same data key agrees."""
    key = data_key(settings)
    return Identities(key.derive(PURPOSE), tuple(old.derive(PURPOSE) for old in key.previous))
