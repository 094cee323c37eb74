"""The access token shared by the server's processes through Redis: one refresh at a time,
every other cache reuses the token fetched, and a rejected token is refreshed once."""

from __future__ import annotations

import asyncio

import httpx

from bot.channels.wechat.token import AccessToken
from tests.bot.channels.shared_redis import SharedRedis, shared_redis
from tests.bot.channels.wechat.wechat_fake import APP_ID, APP_SECRET, FakeWeChat

__all__ = ["shared_redis"]


async def test_two_token_caches_refresh_once_between_them(
    fake_wechat: FakeWeChat, shared_redis: SharedRedis
) -> None:
    # Two processes' caches: each its own HTTP client and its own connections to Redis.
    first, second = shared_redis.coordination(), shared_redis.coordination()
    async with (
        httpx.AsyncClient(base_url=fake_wechat.base_url) as http_a,
        httpx.AsyncClient(base_url=fake_wechat.base_url) as http_b,
    ):
        a = AccessToken(http_a, APP_ID, APP_SECRET, shelf=first.shelf)
        b = AccessToken(http_b, APP_ID, APP_SECRET, shelf=second.shelf)
        tokens = await asyncio.gather(*(cache.get() for cache in (a, b) * 5))
        assert set(tokens) == {"token-1"}
        assert len(fake_wechat.token_requests) == 1

        # An API call refused the token in one process: one forced refresh, seen by both.
        fake_wechat.expire_tokens()
        await a.invalidate("token-1")
        assert await a.get() == "token-2"
        assert await b.get() == "token-2"
        assert [r["force_refresh"] for r in fake_wechat.token_requests] == [False, False, True]
    await first.close()
    await second.close()
