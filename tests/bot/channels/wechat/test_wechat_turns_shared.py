"""WeChat turns of two processes sharing Redis: a retry reaching the process that does not run
the turn waits for it there and answers with its replies, options included, once; a turn that
failed in one process is started afresh by the next retry in the other."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.channels.wechat.turns import FirstTurnFailed, Turns
from bot.conversation.types import ConversationKey, Inbound, Outbound
from bot.coordination import redis_coordination
from tests.bot.channels.channel_handlers import MENU, EchoHandler
from tests.bot.channels.shared_redis import SharedRedis, shared_redis
from tests.waiting import until

__all__ = ["shared_redis"]

KEY = ConversationKey("wechat", "oTurnsShared0000000000000000", "oTurnsShared0000000000000000")
MENU_REPLY = [Outbound("请选择您要办理的事项：", options=MENU)]


class Queued:
    """The outbox's enqueue as a list: what each process handed over for later."""

    def __init__(self) -> None:
        self.replies: list[list[Outbound]] = []

    async def __call__(self, key: ConversationKey, replies: list[Outbound]) -> None:
        self.replies.append(replies)


@asynccontextmanager
async def two_processes(
    shared: SharedRedis, handler: EchoHandler, queued: Queued, deadlines: tuple[float, float]
) -> AsyncIterator[tuple[Turns, Turns]]:
    """The turns of two processes on one engine (`handler`): each its own Redis connections."""
    a, b = shared.coordination(), shared.coordination()
    try:
        yield (
            Turns(handler, queued, flights=a.flights, deadline=deadlines[0]),
            Turns(handler, queued, flights=b.flights, deadline=deadlines[1]),
        )
    finally:
        await a.close()
        await b.close()


async def test_a_retry_on_the_other_process_waits_for_the_first_turn(
    shared_redis: SharedRedis,
) -> None:
    handler, queued, message = EchoHandler(delay=0.3), Queued(), Inbound(KEY, "m1", text="菜单")
    async with two_processes(shared_redis, handler, queued, (0.05, 10.0)) as (first, second):
        assert await first.answer(message) is None  # past its deadline: "success"
        replies = await second.answer(message)  # WeChat's retry, on the other process
        again = await second.answer(message)  # and its next one
        await first.drain(5)
    assert replies == again == MENU_REPLY
    assert len(handler.turns) == 1
    assert queued.replies == []  # answered passively, so not sent again later


async def test_a_retry_after_the_replies_went_to_the_outbox_gets_success(
    shared_redis: SharedRedis,
) -> None:
    handler, queued, message = EchoHandler(delay=0.1), Queued(), Inbound(KEY, "m2", text="菜单")
    async with two_processes(shared_redis, handler, queued, (0.01, 1.0)) as (first, second):
        assert await first.answer(message) is None
        await first.drain(5)  # the turn ended with nobody waiting: queued for later
        assert await second.answer(message) is None
    assert queued.replies == [MENU_REPLY]
    assert handler.calls == 1


async def test_a_turn_that_failed_elsewhere_is_started_again_by_the_next_retry(
    shared_redis: SharedRedis,
) -> None:
    handler, message = EchoHandler(delay=0.2, failures=1), Inbound(KEY, "m3", text="菜单")
    async with two_processes(shared_redis, handler, Queued(), (10.0, 10.0)) as (first, second):
        original = asyncio.create_task(first.answer(message))
        await until(lambda: handler.calls == 1)  # the first turn has started
        with pytest.raises(FirstTurnFailed):  # a 500: WeChat retries
            await second.answer(message)
        with pytest.raises(RuntimeError, match="on purpose"):
            await original
        assert await second.answer(message) == MENU_REPLY
    assert len(handler.turns) == 1


async def test_a_message_is_answered_while_redis_cannot_be_reached(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = redis_coordination("redis://127.0.0.1:1/0", "vetbot-test:down:")  # nothing listens
    handler = EchoHandler()
    turns = Turns(handler, Queued(), flights=down.flights, deadline=5.0)
    try:
        assert await turns.answer(Inbound(KEY, "m4", text="菜单")) == MENU_REPLY
    finally:
        await down.close()
    assert "Redis unreachable: coordination falls back to this process" in caplog.text
    assert KEY.user_id not in caplog.text
