"""What the server's processes share besides the database: Telegram's send slots, the staff
alerts' messages a minute per WeCom robot and Telegram group, WeChat's access token and the
WeChat turns in flight (`types.py` says what each primitive does).

`coordinate(settings)` picks once, at start: with VETBOT_REDIS_URL, Redis (`shared.py`), so
that every process of the deployment sees the same; without it, this process's memory
(`local.py`), for one process (the SQLite default of `make run`). Rate limits of people
(messages, logins) are counted in the database and need neither.
"""

from __future__ import annotations

import hashlib

from redis.asyncio import Redis

from bot.config import Settings
from bot.coordination.local import LocalFlights, LocalShelf, LocalSlots
from bot.coordination.shared import Outage, RedisFlights, RedisShelf, RedisSlots
from bot.coordination.types import Coordination
from storage.url import async_url

__all__ = ["Coordination", "coordinate", "in_process", "key_prefix", "redis_coordination"]

TIMEOUT = 0.5  # seconds a Redis command may take before this process goes it alone


def coordinate(settings: Settings) -> Coordination:
    """The deployment's coordination: in Redis when VETBOT_REDIS_URL is set, else in-process."""
    if not settings.redis_url:
        return in_process()
    return redis_coordination(settings.redis_url, key_prefix(settings.database_url))


def key_prefix(database_url: str) -> str:
    """The prefix of a deployment's keys: "vetbot:" and a hash of where its database is (host,
    port, name; not the password, which may change), so that one Redis can serve several
    deployments (a staging one beside production) and other programs."""
    url = async_url(database_url)
    where = f"{url.host}:{url.port}/{url.database}"
    return f"vetbot:{hashlib.sha256(where.encode()).hexdigest()[:12]}:"


def in_process() -> Coordination:
    async def close() -> None:
        return None

    return Coordination(LocalSlots(), LocalShelf(), LocalFlights(), close)


def redis_coordination(url: str, prefix: str) -> Coordination:
    """Coordination through the Redis at `url`, its keys under `prefix`. Connects on first use,
    so a Redis that is down at start is a fallback, not a failed start."""
    redis = Redis.from_url(
        url, decode_responses=True, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
    )
    outage = Outage()
    return Coordination(
        RedisSlots(redis, prefix, outage),
        RedisShelf(redis, prefix, outage),
        RedisFlights(redis, prefix, outage),
        redis.aclose,
    )
