"""Flows keep their place in the stored state: steps, cancel, leaving, surviving a restart."""

from __future__ import annotations

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage.database import Database
from storage.repositories.conversations import Conversations
from tests.bot.chatting import Chat, payloads
from tests.paths import FIXTURE_KB


async def test_pick_the_town_by_digit(chat: Chat) -> None:
    await chat.say("菜单")
    ask = await chat.say("6")
    assert payloads(ask) == ["flow:town:tongshi", "flow:town:wukou", "menu"]
    assert (await chat.state()).flow == "town"
    done = await chat.say("1")
    assert "已记下您在童市镇退役军人服务站" in done.text and "电话：0730-0000000" in done.text
    state = await chat.state()
    assert (state.flow, state.step, state.station_id) == (None, None, "tongshi")


async def test_type_the_town_name(chat: Chat) -> None:
    await chat.pick("town")
    done = await chat.say("我在浯口")
    assert "浯口镇退役军人服务站" in done.text and "地址和电话暂未登记" in done.text
    assert (await chat.state()).station_id == "wukou"


async def test_unknown_town_asks_again_then_cancel_leaves(chat: Chat) -> None:
    await chat.pick("town")
    again = await chat.say("火星")
    assert "没有找到“火星”" in again.text and "flow:town:tongshi" in payloads(again)
    cancelled = await chat.say("取消")
    assert cancelled.text.startswith("已取消。")
    assert (await chat.state()).flow is None


async def test_menu_and_other_buttons_leave_the_flow(chat: Chat) -> None:
    await chat.pick("town")
    await chat.say("0")
    assert (await chat.state()).flow is None
    await chat.pick("town")
    await chat.pick("entry:preferential.card")
    assert (await chat.state()).flow is None


async def test_a_flow_survives_a_restart_mid_step(
    chat: Chat, database: Database, knowledge: Knowledge
) -> None:
    await chat.pick("town")
    restarted = Chat(Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), Settings()))
    done = await restarted.say("童市")
    assert "已记下您在童市镇退役军人服务站" in done.text


async def test_a_step_the_code_no_longer_has_restarts_the_flow(
    chat: Chat, database: Database
) -> None:
    await chat.pick("town")
    async with database.transaction() as session:  # as if saved by an older version
        conversations = Conversations(session)
        state = await conversations.open(*chat._parts())
        state.step = "a_step_that_was_removed"
        await conversations.save(state)
    reply = await chat.say("童市")
    assert "请选择您所在的乡镇" in reply.text and (await chat.state()).step == "town"


async def test_a_flow_the_code_no_longer_has_is_left(chat: Chat, database: Database) -> None:
    async with database.transaction() as session:
        conversations = Conversations(session)
        state = await conversations.open(*chat._parts())
        state.flow, state.step = "retired_flow", "x"
        await conversations.save(state)
    reply = await chat.say("优待证怎么办理")
    assert "测试答案" in reply.text and (await chat.state()).flow is None
