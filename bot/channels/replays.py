"""Signed webhook requests seen before, so that one signed URL cannot carry a second body.

WeChat's plain-mode signature covers the timestamp and the nonce but not the body: whoever
captured one request could post any body with its URL for as long as the timestamp passes
(five minutes). So each (timestamp, nonce) is remembered with a hash of its body for that long,
and the same pair with another body is refused. The same body again is WeChat retrying the
message, which the turn in flight or the engine's dedupe answers as before.

The server remembers the pairs in the database, where every process sees them
(`Runtime.first_use`); `RememberedNonces` keeps them in memory for a router used on its own.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable

# (channel, "<timestamp>:<nonce>", hash of the body) -> whether the request may be answered
FirstUse = Callable[[str, str, str], Awaitable[bool]]
# Seconds a pair is kept: twice the clock skew a timestamp may have (WeChat's five minutes), so
# a pair is remembered for as long as its timestamp could pass.
REMEMBER_NONCES = 600.0


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class RememberedNonces:
    """The pairs one process saw in the last `keep` seconds."""

    def __init__(self, keep: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._keep = keep
        self._clock = clock
        self._seen: dict[tuple[str, str], tuple[str, float]] = {}

    async def __call__(self, channel: str, nonce: str, hashed: str) -> bool:
        now = self._clock()
        self._seen = {k: v for k, v in self._seen.items() if now - v[1] <= self._keep}
        seen = self._seen.setdefault((channel, nonce), (hashed, now))
        return seen[0] == hashed
