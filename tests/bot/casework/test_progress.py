"""Progress: staff move a request or end a booking, the user is told on their own channel
through the outbox, and "我的申请" shows where everything stands."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.casework.bookings import end_booking
from bot.casework.requests import change_request_state
from bot.conversation.engine import Engine
from bot.conversation.replies import decode_replies
from bot.messages import catalogue
from storage.database import Database
from storage.repositories.outbox import Outbox
from storage.repositories.requests import Requests, StateChangeRefused
from tests.bot.chatting import Chat, payloads
from tests.bot.flows.dated import PHONE


async def file_callback(chat: Chat) -> str:
    await chat.pick("request:callback")
    await chat.say("同意")
    await chat.say(PHONE)
    await chat.say("跳过")
    done = await chat.say("确认")
    found = re.search(r"PJ-\d{4}-\d{6}", done.text)
    assert found is not None, done.text
    return found[0]


async def queued(database: Database) -> list[tuple[str, str, str, str]]:
    """What the outbox holds: (channel, chat, user, text) per message, oldest first."""
    async with database.transaction() as session:
        items = await Outbox(session).claim(limit=100, lease=timedelta(0), channels=["test"])
    return [
        (item.channel, item.chat_id, item.external_user_id, decode_replies(item.payload)[0].text)
        for item in items
    ]


async def test_each_state_change_is_recorded_and_told(chat: Chat, engine: Engine) -> None:
    number = await file_callback(chat)
    kb = engine.knowledge.current.kb
    for state, note in (("accepted", ""), ("in_progress", "已安排专人"), ("done", "已回电")):
        async with engine.database.transaction() as session:
            await change_request_state(session, kb, catalogue(), number, state, "张三", note)
    told = await queued(engine.database)
    assert [t[:3] for t in told] == [("test", "veteran", "veteran")] * 3
    assert told[0][3] == f"您的申请 {number}（请工作人员回电）状态更新：已受理。"
    assert "状态更新：办理中。\n工作人员说明：已安排专人" in told[1][3]
    assert "状态更新：已办结。" in told[2][3]
    async with engine.database.transaction() as session:
        request = await Requests(session).get(number)
        assert request is not None
        history = await Requests(session).history(request.id)
    assert [(e.state, e.actor) for e in history] == [
        ("submitted", "user"),
        ("accepted", "张三"),
        ("in_progress", "张三"),
        ("done", "张三"),
    ]
    status = await chat.say("我的申请")
    assert f"{number} 请工作人员回电：已办结（测试县退役军人服务中心" in status.text


async def test_a_refused_change_tells_nobody(chat: Chat, engine: Engine) -> None:
    number = await file_callback(chat)
    with pytest.raises(StateChangeRefused):
        async with engine.database.transaction() as session:
            kb = engine.knowledge.current.kb
            await change_request_state(session, kb, catalogue(), number, "done", "张三")
    assert await queued(engine.database) == []


async def test_the_user_is_told_in_their_language(chat: Chat, engine: Engine) -> None:
    await chat.pick("lang:en")
    number = await file_callback(chat)
    async with engine.database.transaction() as session:
        kb = engine.knowledge.current.kb
        await change_request_state(session, kb, catalogue(), number, "rejected", "张三", "重复")
    [(_, _, _, text)] = await queued(engine.database)
    assert (
        text
        == f"Your request {number} (Ask staff to call me back) is now: not approved.\nStaff note: 重复"
    )


async def test_a_no_show_frees_the_place_and_is_told(chat: Chat, engine: Engine) -> None:
    for payload in (
        "booking",
        "flow:booking:v:优待证",
        "flow:booking:st:tongshi",
        "flow:booking:d:2026-09-21",
        "flow:booking:sl:上午",
        "flow:booking:confirm",
    ):
        await chat.pick(payload)
    kb = engine.knowledge.current.kb
    async with engine.database.transaction() as session:
        visit = await end_booking(session, kb, catalogue(), "PJY-2026-000001", "no_show")
        assert visit is not None and visit.state == "no_show"
        assert await end_booking(session, kb, catalogue(), "PJY-2026-000001", "no_show") is None
    [(_, _, _, text)] = await queued(engine.database)
    assert text.startswith("您的预约 PJY-2026-000001 记为未到场，名额已释放")
    status = await chat.say("我的预约")
    assert "未到场" in status.text and "booking:cancel:PJY-2026-000001" not in payloads(status)
    # The place is free again: someone else can take it.
    other = Chat(engine, "other")
    for payload in ("booking", "flow:booking:v:优待证", "flow:booking:st:tongshi"):
        await other.pick(payload)
    slots = await other.pick("flow:booking:d:2026-09-21")
    assert "上午（剩 1 个名额）" in [o.label for o in slots.options]


async def test_status_with_nothing_filed(chat: Chat) -> None:
    reply = await chat.say("查进度")
    assert "您目前没有通过本助手提交的申请或预约" in reply.text and payloads(reply) == ["menu"]
