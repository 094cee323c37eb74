"""Every turn that did not end in a good answer is recorded for the admin's inbox, with the
entries understanding considered and their scores: fallbacks (also the second one, handed to a
person), declined out-of-scope questions, clarifications where no option was picked, and
handoffs whose ticket a staff member resolved by sending a knowledge-base entry."""

from __future__ import annotations

from sqlalchemy import select

from bot.conversation.engine import Engine
from bot.staff import tickets as work
from bot.staff.desk import Desk
from storage.models import AnswerFeedback, Unanswered
from tests.bot.chatting import Chat
from tests.bot.staff.staffing import Clock, handed_over

ALLOWANCE = "测试答案：义务兵家庭按规定领取优待金。"  # preferential.family_allowance's answer


def _desk(engine: Engine) -> Desk:
    return Desk.of(engine.knowledge.current.kb, engine.settings)


async def _missed(engine: Engine) -> list[Unanswered]:
    async with engine.database.transaction() as session:
        return list(await session.scalars(select(Unanswered).order_by(Unanswered.id)))


async def _served(engine: Engine) -> list[AnswerFeedback]:
    async with engine.database.transaction() as session:
        return list(await session.scalars(select(AnswerFeedback).order_by(AnswerFeedback.id)))


async def test_a_fallback_is_recorded_with_what_was_considered(chat: Chat, engine: Engine) -> None:
    await chat.say("退役军人坐火车打折吗")
    [missed] = await _missed(engine)
    assert (missed.kind, missed.question, missed.station_id) == (
        "fallback",
        "退役军人坐火车打折吗",
        "county",
    )
    assert missed.candidates and all(not name.startswith("@") for name, _ in missed.candidates)
    scores = [score for _, score in missed.candidates]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] < 1
    assert missed.kb_version == engine.knowledge.current.kb.fingerprint


async def test_the_second_fallback_handed_to_a_person_is_recorded_too(
    chat: Chat, engine: Engine
) -> None:
    await chat.say("asdfgh")
    handed = await chat.say("qwerty")
    assert "T-000001" in handed.text
    assert [m.kind for m in await _missed(engine)] == ["fallback", "fallback"]


async def test_a_declined_question_is_recorded_as_out_of_scope(chat: Chat, engine: Engine) -> None:
    await chat.say("户口迁移怎么办")
    assert [(m.kind, m.question) for m in await _missed(engine)] == [
        ("out_of_scope", "户口迁移怎么办")
    ]


async def test_a_clarification_with_no_pick_stays_unanswered(chat: Chat, engine: Engine) -> None:
    # "优待证" alone: losing the card, or applying for one.
    await chat.say("优待证")
    await chat.say("菜单")
    [missed] = await _missed(engine)
    assert (missed.kind, missed.picked) == ("clarify", False)
    assert [name for name, _ in missed.candidates[:2]] == [
        "preferential.card_loss",
        "preferential.card",
    ]


async def test_a_clarification_answered_by_a_pick_is_answered(chat: Chat, engine: Engine) -> None:
    await chat.say("优待证")
    await chat.say("2")  # preferential.card, offered second
    [missed] = await _missed(engine)
    assert (missed.kind, missed.picked, missed.entry_id) == ("clarify", True, "preferential.card")
    [served] = await _served(engine)
    assert (served.entry_id, served.question) == ("preferential.card", "优待证")


async def test_an_answer_served_is_no_miss(chat: Chat, engine: Engine) -> None:
    await chat.say("服务站")
    assert await _missed(engine) == []
    assert [s.entry_id for s in await _served(engine)] == ["service.stations"]


async def test_a_ticket_staff_resolved_with_an_entry_names_the_likely_answer(
    engine: Engine,
) -> None:
    desk, clock = _desk(engine), Clock()
    veteran, staff = await handed_over(engine, clock)
    await veteran.say("儿子当兵，家里每年那笔钱找谁领")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).reply(1, ALLOWANCE + "请带户口本。")
        await work.TicketWork(session, desk, staff, clock.now).resolve(1, "已答复")
    [missed] = await _missed(engine)
    assert (missed.kind, missed.entry_id, missed.question) == (
        "staff_answered",
        "preferential.family_allowance",
        "儿子当兵，家里每年那笔钱找谁领",
    )


async def test_a_miss_before_the_handoff_gets_the_entry_staff_sent(
    engine: Engine,
) -> None:
    desk, clock = _desk(engine), Clock()
    veteran, staff = await handed_over(engine, clock)
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).claim(1)
    await veteran.say("退役军人坐火车打折吗")  # live with staff: relayed, not answered
    assert await _missed(engine) == []
    chat = Chat(engine, user="another")
    await chat.say("退役军人坐火车打折吗")
    await chat.say("我要找工作人员")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).claim(2)
        await work.TicketWork(session, desk, staff, clock.now).reply(2, ALLOWANCE)
        await work.TicketWork(session, desk, staff, clock.now).resolve(2, "已答复")
    assert [(m.kind, m.entry_id) for m in await _missed(engine)] == [
        ("fallback", "preferential.family_allowance")
    ]


async def test_a_ticket_resolved_without_an_entry_records_nothing(
    engine: Engine,
) -> None:
    desk, clock = _desk(engine), Clock()
    veteran, staff = await handed_over(engine, clock)
    await veteran.say("我想问点事")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).reply(1, "您好，请讲。")
        await work.TicketWork(session, desk, staff, clock.now).resolve(1, "已电话说明")
    # The question was a fallback while the ticket waited; no entry came of the ticket.
    assert [(m.kind, m.entry_id) for m in await _missed(engine)] == [("fallback", None)]
