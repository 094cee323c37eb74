"""The engine's promises: duplicates change nothing, turns are whole, state outlives the engine."""

from __future__ import annotations

import asyncio
import socket

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from bot.conversation.types import Contact, Inbound
from bot.errors import TryAgainLater
from storage.database import Database
from tests.bot.chatting import Chat, payloads
from tests.paths import FIXTURE_KB


async def test_duplicate_gets_the_first_replies_and_changes_nothing(chat: Chat) -> None:
    await chat.say("优待证")
    picked = chat.inbound(text="2")
    first = await chat.engine.handle(picked)
    state, log = await chat.state(), await chat.log()
    await chat.say("菜单")  # the conversation moves on…
    moved = await chat.state()
    again = await chat.engine.handle(picked)  # …then the platform redelivers the old message
    assert again == first
    assert await chat.state() == moved != state
    assert len(await chat.log()) == len(log) + 2


async def test_message_ids_are_per_conversation(engine: Engine) -> None:
    alice, bob = Chat(engine, "alice"), Chat(engine, "bob")
    same_id = "42"
    await engine.handle(Inbound(alice.key, same_id, text="优待证怎么办理"))
    replies = await engine.handle(Inbound(bob.key, same_id, text="菜单"))
    assert "请回复数字" in replies[0].text  # Bob got his own answer, not Alice's


async def test_concurrent_messages_of_one_conversation_are_all_handled(chat: Chat) -> None:
    inbounds = [chat.inbound(text="优待证怎么办理") for _ in range(8)]
    results = await asyncio.gather(*(chat.engine.handle(i) for i in inbounds))
    assert all("测试答案" in replies[0].text for replies in results)
    assert len(await chat.log()) == 16
    assert len(chat.engine.locks) == 0  # the lock table is pruned once nobody waits


async def test_a_short_message_does_not_overtake_a_long_letter_sent_before_it(chat: Chat) -> None:
    # The letter is read in a thread (it is long): the message after it waits all the same.
    letter = chat.inbound(
        text="第一条：" + "我想问一下优待证怎么办理，还有抚恤金什么时候发放。" * 60
    )
    short = chat.inbound(text="第二条：优待证怎么办理")
    await asyncio.gather(chat.engine.handle(letter), chat.engine.handle(short))
    asked = [message.text[:3] for message in await chat.log() if message.direction == "in"]
    assert asked == ["第一条", "第二条"]


async def test_concurrent_duplicates_are_handled_once(chat: Chat) -> None:
    inbound = chat.inbound(text="优待证怎么办理")
    results = await asyncio.gather(*(chat.engine.handle(inbound) for _ in range(5)))
    assert all(replies == results[0] for replies in results)
    assert len(await chat.log()) == 2


async def test_a_turn_that_fails_at_its_last_write_leaves_nothing_behind(
    chat: Chat, database: Database
) -> None:
    before = await chat.say("优待证")
    state, log = await chat.state(), await chat.log()
    async with database.connection() as connection:  # the dedupe key is written last
        await connection.execute(text("ALTER TABLE dedupe_keys RENAME TO dedupe_keys_away"))
    inbound = chat.inbound(text="2")
    try:
        with pytest.raises((TryAgainLater, ProgrammingError)):
            await chat.engine.handle(inbound)
    finally:
        async with database.connection() as connection:
            await connection.execute(text("ALTER TABLE dedupe_keys_away RENAME TO dedupe_keys"))
    assert await chat.state() == state and len(await chat.log()) == len(log)
    # The platform's retry of the same message then goes through normally.
    retried = await chat.engine.handle(inbound)
    assert retried[0].options != before.options and "测试答案" in retried[0].text


def outcome_count(engine: Engine, outcome: str) -> float | None:
    return engine.metrics.registry.get_sample_value("vetbot_outcomes_total", {"outcome": outcome})


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_database_down_means_try_again_later(knowledge: Knowledge) -> None:
    database = Database(f"postgresql://nobody@127.0.0.1:{_closed_port()}/none")
    engine = Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), Settings())
    try:
        with pytest.raises(TryAgainLater) as caught:
            await Chat(engine).say("优待证怎么办理")
    finally:
        await database.dispose()
    assert "请稍后再试" in caught.value.replies[0].text
    assert "try again shortly" in caught.value.replies[0].text
    assert outcome_count(engine, "unavailable") == 1


@pytest.mark.parametrize(
    ("inbound_text", "expected"),
    [
        ("", "消息是空的"),
        ("   \n ", "消息是空的"),
        ("优" * 2001, "消息太长了（超过 2000 个字）"),
        ("abc\x00\x01def", "只能读懂文字消息"),
        ("\ufffd\ufffd", "只能读懂文字消息"),
    ],
)
async def test_unusable_text_gets_a_polite_reply_and_changes_nothing(
    chat: Chat, inbound_text: str, expected: str
) -> None:
    offered = await chat.say("优待证")
    state = await chat.state()
    reply = await chat.say(inbound_text)
    assert expected in reply.text
    assert await chat.state() == state
    assert (await chat.say("1")).text != offered.text  # the options still work


async def test_a_message_without_text_is_answered_politely(chat: Chat) -> None:
    replies = await chat.engine.handle(
        Inbound(chat.key, "photo-1", contact=Contact(phone="13800000000"))
    )
    assert "只能读懂文字消息" in replies[0].text


async def test_2000_characters_are_still_read(chat: Chat) -> None:
    reply = await chat.say("优待证怎么办理" + "。" * (2000 - 7))
    assert "太长" not in reply.text


async def test_state_outlives_the_engine(
    chat: Chat, database: Database, knowledge: Knowledge
) -> None:
    """A restart: a new engine over the same database carries on where the user was."""
    clarify = await chat.say("优待证")
    await chat.pick("lang:en")
    await chat.say("优待证")  # Chinese again: back to zh, and the choices are offered again
    restarted = Chat(Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), Settings()))
    reply = await restarted.say("2")
    assert payloads(clarify)[1] == "entry:preferential.card"
    assert "测试答案：到乡镇服务站申请优待证。" in reply.text


async def test_message_log_shows_picked_options_by_their_label(chat: Chat) -> None:
    await chat.say("优待证")
    await chat.pick("entry:preferential.card")
    log = await chat.log()
    assert [(m.direction, m.outcome) for m in log] == [
        ("in", "clarify"),  # a question's row says what came of it (for the reports)
        ("out", "clarify"),
        ("in", "answer"),
        ("out", "answer"),
    ]
    assert [m.entry_id for m in log] == [None, None, "preferential.card", None]
    assert log[2].text == "退役军人优待证申领" and log[2].payload == "entry:preferential.card"
    assert log[1].options[0] == ("优待证挂失补办", "entry:preferential.card_loss")


async def test_metrics_count_messages_and_outcomes(chat: Chat) -> None:
    await chat.say("优待证怎么办理")
    await chat.say("优待证")
    registry = chat.engine.metrics.registry
    assert registry.get_sample_value("vetbot_messages_total", {"channel": "test"}) == 2
    assert outcome_count(chat.engine, "answer") == outcome_count(chat.engine, "clarify") == 1
