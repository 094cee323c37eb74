"""The Redis the tests share (127.0.0.1:6379, or VETBOT_TEST_REDIS_URL), and a key prefix of
each test's own, so that tests running at once never see each other's keys."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.coordination import Coordination, redis_coordination

REDIS_URL = os.environ.get("VETBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class SharedRedis:
    url: str
    prefix: str

    def coordination(self) -> Coordination:
        """A coordination of its own (its own connections), as another process would have."""
        return redis_coordination(self.url, self.prefix)


async def require_redis() -> str:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        await client.ping()
    except (RedisError, OSError):
        pytest.skip(
            f"no Redis answers at {REDIS_URL}; set VETBOT_TEST_REDIS_URL to run the tests of "
            "what several processes share"
        )
    finally:
        await client.aclose()
    return REDIS_URL


@pytest.fixture
async def shared_redis() -> AsyncIterator[SharedRedis]:
    async with redis_of_a_test() as shared:
        yield shared


@asynccontextmanager
async def redis_of_a_test() -> AsyncIterator[SharedRedis]:
    """The test's own prefix of the shared Redis; its keys are removed afterwards."""
    url = await require_redis()
    shared = SharedRedis(url, f"vetbot-test:{secrets.token_hex(6)}:")
    yield shared
    client = Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=shared.prefix + "*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
