"""Progress of a request filed for someone else goes to the filer, on the filer's own channel,
naming whom it is for; the veteran's phone, given for staff to check, is never used to write."""

from __future__ import annotations

from bot.casework.bookings import end_booking
from bot.casework.requests import change_request_state
from bot.conversation.engine import Engine
from bot.messages import catalogue
from tests.bot.casework.test_progress import queued
from tests.bot.chatting import Chat
from tests.bot.flows.booking.test_booking_for_someone import book_for_father
from tests.bot.flows.request.behalf import FOR_FATHER, VETERAN_PHONE, choose, number_in
from tests.bot.flows.request.test_filed_for import to_summary


async def test_the_filer_is_told_of_the_state_change(chat: Chat, engine: Engine) -> None:
    number = number_in(await choose(chat, await to_summary(chat), "flow:request:submit"))
    kb = engine.knowledge.current.kb
    async with engine.database.transaction() as session:
        await change_request_state(session, kb, catalogue(), number, "accepted", "李工", "已联系")
    [(channel, chat_id, user, text)] = await queued(engine.database)
    assert (channel, chat_id, user) == ("test", "veteran", "veteran")  # the filer's conversation
    assert text.splitlines() == [
        f"您的申请 {number}（优待证申请或查询）状态更新：已受理。",
        f"（这是{FOR_FATHER}的事项）",
        "工作人员说明：已联系",
    ]
    assert VETERAN_PHONE not in text


async def test_a_visit_booked_for_someone_else_is_told_to_the_filer(
    chat: Chat, engine: Engine
) -> None:
    number = await book_for_father(chat)
    kb = engine.knowledge.current.kb
    async with engine.database.transaction() as session:
        assert await end_booking(session, kb, catalogue(), number, "no_show") is not None
    [(_, chat_id, _, text)] = await queued(engine.database)
    assert chat_id == "veteran" and f"（这是{FOR_FATHER}的事项）" in text
    assert VETERAN_PHONE not in text
