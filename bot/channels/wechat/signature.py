"""WeChat's request signatures: SHA-1 over the sorted token, timestamp, nonce (and, in safe mode,
the encrypted message), compared in constant time."""

from __future__ import annotations

import hashlib
import hmac

from bot.channels.wechat.errors import SignatureError

# The plain signature does not cover the body, so a captured request could be replayed with
# another body; refusing old timestamps narrows that window, and the router refuses a
# (timestamp, nonce) seen before with another body (`replays.py`). WeChat's retries of a
# message arrive within about 15 seconds.
MAX_CLOCK_SKEW = 300.0


def sign(*parts: str) -> str:
    """The hex SHA-1 of the parts sorted and concatenated, as WeChat computes it."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def verify(signature: str, *parts: str) -> None:
    """Raise `SignatureError` unless `signature` is the signature of `parts`."""
    if not hmac.compare_digest(sign(*parts).encode(), signature.strip().lower().encode()):
        raise SignatureError("the signature does not match")


def verify_request(
    token: str,
    signature: str,
    timestamp: str,
    nonce: str,
    *,
    now: float,
    max_skew: float = MAX_CLOCK_SKEW,
) -> None:
    """Check a request's `signature`, `timestamp` and `nonce` query parameters."""
    verify(signature, token, timestamp, nonce)
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise SignatureError(f"timestamp {timestamp!r} is not a number") from None
    if abs(now - sent_at) > max_skew:
        raise SignatureError(f"timestamp {timestamp} is more than {max_skew:.0f}s off our clock")
