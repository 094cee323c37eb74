"""The primitives in this process's memory: one process (the SQLite default, `make run`), and
what `shared.py` falls back to while Redis cannot be reached. Every method runs without an
await point between reading and writing, so each is atomic on the event loop."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.coordination.types import Lane, Phase, Sight

# Above this many remembered lanes or flights, forget those that have expired.
_PRUNE_ABOVE = 1024


class LocalSlots:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._next: dict[str, float] = {}  # lane -> when its next slot starts
        self._counted: dict[str, deque[float]] = {}  # lane -> when each slot taken frees, in order

    async def reserve(self, lanes: Sequence[Lane]) -> float:
        now = self._clock()
        slot = max([now, *(self._next.get(lane, now) for lane, _ in lanes)])
        for lane, interval in lanes:
            self._next[lane] = slot + interval
        if len(self._next) > _PRUNE_ABOVE:
            self._next = {lane: at for lane, at in self._next.items() if at > now}
        return slot - now

    async def hold(self, lane: str, seconds: float) -> None:
        resume = self._clock() + seconds
        self._next[lane] = max(self._next.get(lane, resume), resume)

    async def admit(self, lane: str, most: int, window: float) -> float:
        now = self._clock()
        frees = self._counted.setdefault(lane, deque())
        while frees and frees[0] <= now:
            frees.popleft()
        if len(frees) >= most:
            return frees[0] - now
        frees.append(now + window)
        if len(self._counted) > _PRUNE_ABOVE:
            self._counted = {lane: f for lane, f in self._counted.items() if f and f[-1] > now}
        return 0.0


class LocalShelf:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._values: dict[str, tuple[str, float]] = {}  # name -> (value, expires)
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, name: str) -> str | None:
        kept = self._values.get(name)
        if kept is None or kept[1] <= self._clock():
            return None
        return kept[0]

    async def put(self, name: str, value: str, ttl: float) -> None:
        self._values[name] = (value, self._clock() + ttl)

    async def discard(self, name: str, value: str) -> None:
        if name in self._values and self._values[name][0] == value:
            del self._values[name]

    @asynccontextmanager
    async def lock(self, name: str, expiry: float) -> AsyncIterator[None]:
        # One process cannot die holding its own lock: `expiry` has nothing to free here.
        async with self._locks.setdefault(name, asyncio.Lock()):
            yield


@dataclass
class _Flight:
    phase: Phase
    expires: float
    waiting: int = 0
    replies: str = ""


class LocalFlights:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._flights: dict[str, _Flight] = {}

    async def board(self, name: str, ttl: float) -> bool:
        if self._current(name) is not None:
            return False
        self._flights[name] = _Flight("pending", self._clock() + ttl)
        self._prune()
        return True

    async def join(self, name: str) -> Sight:
        flight = self._current(name)
        if flight is None:
            return Sight("gone")
        flight.waiting += 1
        return Sight(flight.phase, flight.replies)

    async def leave(self, name: str) -> Sight:
        flight = self._current(name)
        if flight is None:
            return Sight("gone")
        flight.waiting = max(0, flight.waiting - 1)
        return Sight(flight.phase, flight.replies)

    async def look(self, name: str) -> Sight:
        flight = self._current(name)
        return Sight("gone") if flight is None else Sight(flight.phase, flight.replies)

    async def land(self, name: str, replies: str, keep: float) -> Phase:
        flight = self._current(name)
        waiting = 0 if flight is None else flight.waiting
        phase: Phase = "passive" if waiting > 0 else "later"
        self._flights[name] = _Flight(phase, self._clock() + keep, waiting, replies)
        return phase

    async def settle(self, name: str, replies: str, keep: float) -> None:
        flight = self._current(name)
        waiting = 0 if flight is None else flight.waiting
        self._flights[name] = _Flight("passive", self._clock() + keep, waiting, replies)

    async def drop(self, name: str) -> None:
        self._flights.pop(name, None)

    def _current(self, name: str) -> _Flight | None:
        flight = self._flights.get(name)
        if flight is not None and flight.expires <= self._clock():
            del self._flights[name]
            return None
        return flight

    def _prune(self) -> None:
        if len(self._flights) > _PRUNE_ABOVE:
            now = self._clock()
            self._flights = {n: f for n, f in self._flights.items() if f.expires > now}
