"""我的数据 / "my data" opens a ticket for the county bureau's admin and says what is kept; the
privacy notice before the first personal question says for how long, and how to ask."""

from __future__ import annotations

from sqlalchemy import select

from bot.conversation.engine import Engine
from bot.conversation.knowledge import KnowledgeStore
from bot.skills.menu import MAIN_MENU
from storage.models import Ticket
from tests.bot.chatting import Chat, payloads
from tests.paths import FIXTURE_KB


async def _tickets(chat: Chat) -> list[Ticket]:
    async with chat.engine.database.transaction() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


async def test_my_data_opens_a_ticket_for_the_county_admin(chat: Chat) -> None:
    await chat.say("童市")  # a township user: the ticket still goes to the county
    reply = await chat.say("我的数据")
    assert "对话和已办结的工单保存3年" in reply.text
    assert "县退役军人事务局" in reply.text and "T-" in reply.text
    [ticket] = await _tickets(chat)
    assert (ticket.station_id, ticket.category, ticket.reason) == ("county", "privacy", "privacy")
    assert "我的数据" in ticket.summary
    assert (await chat.state()).flow == "handoff"  # what they say next goes to staff


async def test_my_data_in_english_and_from_the_menu(chat: Chat) -> None:
    menu = await chat.say("menu")
    assert "mydata" in payloads(menu) and ("menu.mydata", "mydata") in MAIN_MENU
    english = Chat(chat.engine, "someone")
    reply = await english.say("My data")
    assert "kept for 3 years" in reply.text
    picked = await chat.pick("mydata")
    assert "3年" in picked.text
    tickets = await _tickets(chat)
    assert [t.category for t in tickets] == ["privacy", "privacy"]
    assert tickets[1].summary == "申请查看、复制或删除个人信息（我的数据）"


async def test_the_privacy_notice_says_how_long_and_how_to_ask(engine: Engine) -> None:
    settings = engine.settings.model_copy(update={"retention_years": 5.0})
    store = KnowledgeStore(FIXTURE_KB, engine.knowledge.current)
    chat = Chat(Engine(engine.database, store, settings))
    await chat.pick("request:preferential_card")
    notice = await chat.say("童市")
    assert "保存5年" in notice.text and "我的数据" in notice.text and "您同意吗" in notice.text
