"""The shared primitives, as the channels see them; `local.py` and `shared.py` implement them.

Slots     send slots per lane: spaced (a caller reserves the next slot free in all its lanes),
          or counted (at most N taken in any window of a lane's, e.g. a minute)
Shelf     short-lived values, and a lock with an expiry around refreshing one
Flights   one message's turn in flight: who runs it, who waits for it, and its replies
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Literal, Protocol

# (lane, seconds a slot in it takes): e.g. ("telegram:all", 1/30), ("telegram:chat:42", 1.0)
Lane = tuple[str, float]


class Slots(Protocol):
    async def reserve(self, lanes: Sequence[Lane]) -> float:
        """Reserve the first slot free in every lane; the seconds until it starts."""
        ...

    async def hold(self, lane: str, seconds: float) -> None:
        """No slot in `lane` starts in the next `seconds` (Telegram's retry_after)."""
        ...

    async def admit(self, lane: str, most: int, window: float) -> float:
        """Take a slot in `lane` if fewer than `most` were taken in the last `window` seconds:
        0.0. Else nothing is taken, and the seconds until the oldest of them frees one.
        `lane` counts apart from the spaced lanes of `reserve`, even under the same name."""
        ...


class Shelf(Protocol):
    async def get(self, name: str) -> str | None: ...

    async def put(self, name: str, value: str, ttl: float) -> None:
        """Keep `value` under `name` for `ttl` seconds."""
        ...

    async def discard(self, name: str, value: str) -> None:
        """Forget `name` if it still holds `value` (not a newer value another process put)."""
        ...

    def lock(self, name: str, expiry: float) -> AbstractAsyncContextManager[None]:
        """Held by one caller at a time; a holder that dies frees it after `expiry` seconds."""
        ...


# pending: the turn runs; passive: its replies are answered passively (kept for retries);
# later: its replies went to the outbox; gone: no such flight (never boarded, failed, expired).
Phase = Literal["pending", "passive", "later", "gone"]


@dataclass(frozen=True, slots=True)
class Sight:
    """What a look at a flight finds: its phase, and its replies once passive."""

    phase: Phase
    replies: str = ""


class Flights(Protocol):
    async def board(self, name: str, ttl: float) -> bool:
        """Claim the flight `name` for `ttl` seconds: True for the first claimant only, which
        runs the turn and lands it."""
        ...

    async def join(self, name: str) -> Sight:
        """One more request waiting for the flight; what it is now."""
        ...

    async def leave(self, name: str) -> Sight:
        """One request fewer waiting; what the flight is now (passive when it landed while
        this request waited: the request answers with the replies)."""
        ...

    async def look(self, name: str) -> Sight: ...

    async def land(self, name: str, replies: str, keep: float) -> Phase:
        """The turn finished with `replies`: passive when a request waits for them, else
        later. Either is remembered for `keep` seconds."""
        ...

    async def settle(self, name: str, replies: str, keep: float) -> None:
        """The replies became passive after all (a retry took them back from the outbox)."""
        ...

    async def drop(self, name: str) -> None:
        """The turn failed: a retry starts it afresh."""
        ...


@dataclass(frozen=True)
class Coordination:
    """What this deployment's processes share; `close` at shutdown."""

    slots: Slots
    shelf: Shelf
    flights: Flights
    close: Callable[[], Awaitable[None]]
