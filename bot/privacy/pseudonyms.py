"""Identities as logs show them: the channel and a keyed hash, never the id itself.

A web user's id is their credential, and a Telegram or WeChat id names a person: whoever reads
the logs must learn neither. The hash is keyed (`use_key`, at server start, from the data key)
so one user's lines still go together across processes and restarts, yet nobody without the
key can tell whose they are. Until a key is given, a random one of this process is used: the
lines of a test or a terminal chat go together, and still name no one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Protocol

_key = [secrets.token_bytes(32)]


class Keyed(Protocol):
    """A conversation key: its channel, and a `str` that names the identity in full."""

    @property
    def channel(self) -> str: ...


def use_key(key: bytes) -> None:
    """Hash identities with `key` from now on (the server's, derived from its data key)."""
    _key[0] = key


def pseudonym(key: Keyed) -> str:
    """`web:3f9a0c…`: the channel, and 16 hex digits that stand for the identity."""
    digest = hmac.new(_key[0], str(key).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{key.channel}:{digest[:16]}"
