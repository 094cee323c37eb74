"""Two server processes on one PostgreSQL database and one Redis behave as one for WeChat: a
retry of a message that lands on the other process while the first turn still runs waits for
that turn and answers with its replies, which then do not go out a second time through the
outbox (bug: each process coalesced only its own requests, so the first process queued the
replies for the customer-service API and the second answered them passively as well)."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from bot.channels.wechat import xml
from bot.channels.wechat.router import PATH
from bot.coordination import key_prefix
from tests.bot.channels.shared_redis import require_redis
from tests.bot.channels.wechat.wechat_fake import FakeWeChat, fake_wechat
from tests.bot.channels.wechat.wechat_push import TOKEN, pushed, signed
from tests.bot.web.servers import ServerProcess, free_port
from tests.bot.web.test_workers import fresh_postgres
from tests.waiting import until

__all__ = ["fake_wechat", "fresh_postgres"]


@pytest.mark.postgres
@pytest.mark.timeout(300)
async def test_a_wechat_retry_on_the_other_process_is_answered_once(
    tmp_path: Path, policies: Path, fresh_postgres: str, fake_wechat: FakeWeChat
) -> None:
    redis_url = await require_redis()
    env = {
        "VETBOT_DATABASE_URL": fresh_postgres,
        "VETBOT_POLICIES_DIR": str(policies),
        "VETBOT_WATCH_POLICIES": "false",
        "VETBOT_REDIS_URL": redis_url,
        "VETBOT_WECHAT_TOKEN": TOKEN,
        "VETBOT_WECHAT_APP_ID": fake_wechat.account()["wechat_app_id"],
        "VETBOT_WECHAT_APP_SECRET": fake_wechat.account()["wechat_app_secret"].get_secret_value(),
        "VETBOT_WECHAT_API_BASE": fake_wechat.base_url,
    }
    first = ServerProcess(env, free_port(), tmp_path / "first.log")
    second = ServerProcess(env, free_port(), tmp_path / "second.log")
    await asyncio.to_thread(first.start, 120)  # migrates the new database
    await asyncio.to_thread(second.start, 120)
    openid, message_id = f"oShared{secrets.token_hex(8)}", str(secrets.randbelow(10**15))
    question = pushed("优待证怎么办理", message_id, openid)
    flight = f"{key_prefix(fresh_postgres)}flight:{message_id}"
    redis = Redis.from_url(redis_url, decode_responses=True)
    database = await asyncpg.connect(fresh_postgres, timeout=10)
    try:
        async with (
            httpx.AsyncClient(base_url=first.url, timeout=60) as to_first,
            httpx.AsyncClient(base_url=second.url, timeout=60) as to_second,
        ):
            warm = pushed("菜单", str(secrets.randbelow(10**15)), openid)
            assert (await to_first.post(PATH, params=signed(), content=warm)).status_code == 200
            # The first turn cannot write its messages until the test lets it.
            held = database.transaction()
            await held.start()
            await database.execute("LOCK TABLE messages IN EXCLUSIVE MODE")
            original = await to_first.post(PATH, params=signed(), content=question)
            assert original.text == "success"  # past its deadline: WeChat retries
            retry = asyncio.create_task(to_second.post(PATH, params=signed(), content=question))
            await until(lambda: _retry_in_flight(redis, flight, database), timeout=30)
            await held.commit()
            answered = await retry
        outbox = await database.fetchval("SELECT count(*) FROM outbox")
        asked = await database.fetchval(
            "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE c.external_user_id = $1 AND m.direction = 'in' AND m.text = '优待证怎么办理'",
            openid,
        )
    finally:
        await database.close()
        await redis.aclose()
        first.stop()
        second.stop()
    assert asked == 1  # one turn
    assert answered.status_code == 200
    assert answered.text != "success", "the retry did not get the first turn's replies"
    assert "优待证" in xml.parse(answered.content)["Content"]
    assert outbox == 0  # and they were not queued to be sent again
    assert fake_wechat.sent == []


async def _retry_in_flight(redis: Redis, flight: str, database: asyncpg.Connection) -> bool:
    """Whether the retry waits on the second process: for the first turn's flight, or (as
    each process did on its own) for the lock, running a turn of its own."""
    if await redis.hget(flight, "waiting") == "1":
        return True
    blocked = await database.fetchval(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    return bool(blocked >= 2)
