"""The primitives in Redis, where every process of the deployment sees the same.

Each operation is one Lua script (atomic on the server) or one command, under the
deployment's key prefix. Slot times come from the Redis server's clock, so processes whose
clocks differ still space their sends on one time line.

Fail safe: when Redis cannot be reached, each operation falls back to this process's own
(`local.py`) and says so in the log once per outage (and once when Redis answers again). The
limits (Telegram's send slots, the staff alerts' messages a minute) are then per process and a
WeChat retry on another process may be answered twice, as without Redis, but no message is
refused for it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TypeVar, cast

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from bot.coordination.local import LocalFlights, LocalShelf, LocalSlots
from bot.coordination.types import Lane, Phase, Sight

log = logging.getLogger(__name__)

T = TypeVar("T")

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000\n"

# KEYS: the lanes; ARGV: the seconds of a slot in each. The seconds to wait, as a string.
_RESERVE = (
    _NOW
    + """
local slot = now
for _, key in ipairs(KEYS) do
  local at = tonumber(redis.call('GET', key))
  if at and at > slot then slot = at end
end
for i, key in ipairs(KEYS) do
  local after = slot + tonumber(ARGV[i])
  redis.call('SET', key, string.format('%.6f', after), 'PX', math.ceil((after - now) * 1000) + 1000)
end
return string.format('%.6f', slot - now)
"""
)

# KEYS[1]: the lane; ARGV[1]: seconds in which no slot of it starts.
_HOLD = (
    _NOW
    + """
local resume = now + tonumber(ARGV[1])
local at = tonumber(redis.call('GET', KEYS[1]))
if not at or at < resume then
  redis.call('SET', KEYS[1], string.format('%.6f', resume), 'PX', math.ceil(ARGV[1] * 1000) + 1000)
end
return 1
"""
)

# KEYS[1]: the counted lane, a sorted set of its slots by when each frees; ARGV: at most this
# many, in a window of this many seconds, and the new slot's name (unique).
_ADMIT = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return string.format('%.6f', tonumber(first[2]) - now)
end
redis.call('ZADD', KEYS[1], string.format('%.6f', now + tonumber(ARGV[2])), ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(ARGV[2] * 1000) + 1000)
return '0'
"""
)

_DISCARD = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# A flight is a hash: phase, waiting (requests now waiting for it), replies.
_BOARD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'phase', 'pending', 'waiting', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""

# ARGV[1]: +1 (join), -1 (leave) or 0 (look).
_WAIT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone', ''} end
if ARGV[1] ~= '0' then
  local waiting = tonumber(redis.call('HINCRBY', KEYS[1], 'waiting', ARGV[1]))
  if waiting < 0 then redis.call('HSET', KEYS[1], 'waiting', 0) end
end
local flight = redis.call('HMGET', KEYS[1], 'phase', 'replies')
return {flight[1], flight[2] or ''}
"""

# ARGV: replies, milliseconds to keep, and the phase to set ('' to pick by who waits).
_LAND = """
local waiting = tonumber(redis.call('HGET', KEYS[1], 'waiting') or '0')
local phase = ARGV[3]
if phase == '' then
  if waiting > 0 then phase = 'passive' else phase = 'later' end
end
redis.call('HSET', KEYS[1], 'phase', phase, 'replies', ARGV[1], 'waiting', waiting)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return phase
"""


class Outage:
    """Says once when Redis stops answering, and once when it answers again."""

    def __init__(self) -> None:
        self.down = False

    async def guarded(
        self, what: str, shared: Callable[[], Awaitable[T]], local: Callable[[], Awaitable[T]]
    ) -> T:
        """`shared()`, or `local()` when Redis fails; `what` names the operation in the log."""
        try:
            result = await shared()
        except RedisError as error:
            if not self.down:
                self.down = True
                log.warning(
                    "Redis unreachable: coordination falls back to this process",
                    extra={"coordination": what, "error": type(error).__name__},
                )
            return await local()
        if self.down:
            self.down = False
            log.info("Redis answers again: coordination shared", extra={"coordination": what})
        return result


async def _nothing() -> None:
    """The fallback of a write this process has already made to its own copy."""


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisSlots:
    def __init__(self, redis: Redis, prefix: str, outage: Outage) -> None:
        self._prefix = prefix
        self._outage = outage
        self._local = LocalSlots()
        self._reserve = redis.register_script(_RESERVE)
        self._hold = redis.register_script(_HOLD)
        self._admit = redis.register_script(_ADMIT)

    async def reserve(self, lanes: Sequence[Lane]) -> float:
        async def shared() -> float:
            keys = [self._prefix + lane for lane, _ in lanes]
            wait = await self._reserve(keys=keys, args=[repr(s) for _, s in lanes])
            return float(wait)

        return await self._outage.guarded("slots", shared, lambda: self._local.reserve(lanes))

    async def hold(self, lane: str, seconds: float) -> None:
        async def shared() -> None:
            await self._hold(keys=[self._prefix + lane], args=[repr(float(seconds))])

        await self._outage.guarded("slots", shared, lambda: self._local.hold(lane, seconds))

    async def admit(self, lane: str, most: int, window: float) -> float:
        async def shared() -> float:
            key = self._prefix + "counted:" + lane
            args = [str(most), repr(float(window)), secrets.token_hex(8)]
            return float(await self._admit(keys=[key], args=args))

        return await self._outage.guarded(
            "slots", shared, lambda: self._local.admit(lane, most, window)
        )


class RedisShelf:
    def __init__(self, redis: Redis, prefix: str, outage: Outage) -> None:
        self._redis = redis
        self._prefix = prefix
        self._outage = outage
        self._local = LocalShelf()
        self._discard = redis.register_script(_DISCARD)

    async def get(self, name: str) -> str | None:
        async def shared() -> str | None:
            return cast(str | None, await self._redis.get(self._prefix + name))

        return await self._outage.guarded("shelf", shared, lambda: self._local.get(name))

    async def put(self, name: str, value: str, ttl: float) -> None:
        async def shared() -> None:
            await self._redis.set(self._prefix + name, value, px=_ms(ttl))

        # This process keeps a copy either way: what it falls back to if Redis goes away.
        await self._local.put(name, value, ttl)
        await self._outage.guarded("shelf", shared, _nothing)

    async def discard(self, name: str, value: str) -> None:
        async def shared() -> None:
            await self._discard(keys=[self._prefix + name], args=[value])

        await self._local.discard(name, value)
        await self._outage.guarded("shelf", shared, _nothing)

    @asynccontextmanager
    async def lock(self, name: str, expiry: float) -> AsyncIterator[None]:
        held = self._redis.lock(
            self._prefix + "lock:" + name, timeout=expiry, blocking_timeout=expiry
        )

        async def shared() -> bool:
            return bool(await held.acquire())

        async def local() -> bool:
            return False

        acquired = await self._outage.guarded("lock", shared, local)
        if not acquired:  # Redis down, or a holder past its expiry: this process's lock
            async with self._local.lock(name, expiry):
                yield
            return
        try:
            yield
        finally:
            try:
                await held.release()
            except (LockError, RedisError):  # expired meanwhile, or Redis went away: it frees
                log.warning("Redis lock released by expiry", extra={"coordination": "lock"})


class RedisFlights:
    def __init__(self, redis: Redis, prefix: str, outage: Outage) -> None:
        self._prefix = prefix
        self._outage = outage
        self._local = LocalFlights()
        self._redis = redis
        self._board = redis.register_script(_BOARD)
        self._wait = redis.register_script(_WAIT)
        self._land = redis.register_script(_LAND)

    async def board(self, name: str, ttl: float) -> bool:
        async def shared() -> bool:
            return bool(await self._board(keys=[self._key(name)], args=[_ms(ttl)]))

        return await self._outage.guarded("flights", shared, lambda: self._local.board(name, ttl))

    async def join(self, name: str) -> Sight:
        return await self._sight(name, 1, self._local.join)

    async def leave(self, name: str) -> Sight:
        return await self._sight(name, -1, self._local.leave)

    async def look(self, name: str) -> Sight:
        return await self._sight(name, 0, self._local.look)

    async def land(self, name: str, replies: str, keep: float) -> Phase:
        async def shared() -> Phase:
            phase = await self._land(keys=[self._key(name)], args=[replies, _ms(keep), ""])
            return cast(Phase, phase)

        return await self._outage.guarded(
            "flights", shared, lambda: self._local.land(name, replies, keep)
        )

    async def settle(self, name: str, replies: str, keep: float) -> None:
        async def shared() -> None:
            await self._land(keys=[self._key(name)], args=[replies, _ms(keep), "passive"])

        await self._outage.guarded(
            "flights", shared, lambda: self._local.settle(name, replies, keep)
        )

    async def drop(self, name: str) -> None:
        async def shared() -> None:
            await self._redis.delete(self._key(name))

        await self._outage.guarded("flights", shared, lambda: self._local.drop(name))

    async def _sight(self, name: str, step: int, local: Callable[[str], Awaitable[Sight]]) -> Sight:
        async def shared() -> Sight:
            phase, replies = await self._wait(keys=[self._key(name)], args=[step])
            return Sight(cast(Phase, phase), replies)

        return await self._outage.guarded("flights", shared, lambda: local(name))

    def _key(self, name: str) -> str:
        return self._prefix + "flight:" + name
