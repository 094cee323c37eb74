"""Handing a conversation to staff: when it happens, what the user is told, routing, joining
the open ticket, relaying while live, and rating after resolution."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.conversation.engine import Engine
from bot.staff import tickets as work
from bot.staff.desk import Desk
from storage.repositories.audit import AuditLog
from storage.repositories.conversations import Conversations
from storage.repositories.outbox import Outbox
from storage.repositories.tickets import Tickets
from storage.repositories.transcript import Transcript
from tests.bot.staff.staffing import (
    MONDAY_10,
    SUNDAY_10,
    Clock,
    Veteran,
    add_staff,
    handed_over,
    open_ticket,
)


async def test_asking_for_a_person_on_duty_says_who_and_by_when(
    engine: Engine, clock: Clock
) -> None:
    veteran = Veteran(engine, clock)
    [reply] = await veteran.say("转人工")
    assert "已为您转给测试县退役军人服务中心的工作人员（编号 T-000001）" in reply.text
    assert "工作日 09:00-17:00" in reply.text and "12月1日 18:00" not in reply.text
    assert "一般在 12月2日 10:00 前回复您" in reply.text  # 8 working hours from Mon 10:00
    assert reply.options == ()  # digits typed now are words for staff
    ticket = await open_ticket(engine.database, 1)
    assert (ticket.status, ticket.station_id, ticket.reason, ticket.callback) == (
        "waiting",
        "county",
        "asked",
        False,
    )
    assert (await veteran.state()).flow == "handoff"


async def test_off_duty_the_ticket_waits_as_a_call_back(engine: Engine, clock: Clock) -> None:
    clock.now = SUNDAY_10
    [reply] = await Veteran(engine, clock).say("转人工")
    assert "现在不是工作时间" in reply.text and "回电请求（编号 T-000001）" in reply.text
    assert "12月1日 09:00 起" in reply.text  # Monday morning
    assert (await open_ticket(engine.database, 1)).callback


async def test_distress_is_urgent_at_the_county_with_the_crisis_line(
    engine: Engine, clock: Clock
) -> None:
    veteran = Veteran(engine, clock)
    await veteran.say("菜单")
    await veteran.say(payload="town")
    await veteran.say(payload="flow:town:tongshi")
    [reply] = await veteran.say("我不想活了")
    assert reply.text.startswith("如果您或身边的人现在有危险，请立即拨打 110")
    assert "心理援助热线 12356" in reply.text and "紧急事项" in reply.text
    ticket = await open_ticket(engine.database, 1)
    assert (ticket.urgent, ticket.station_id, ticket.reason) == (True, "county", "distress")
    assert ticket.deadline_at == MONDAY_10.replace(hour=3)  # one working hour


async def test_distress_inside_an_open_ticket_makes_it_urgent(engine: Engine, clock: Clock) -> None:
    veteran = Veteran(engine, clock)
    await veteran.say(payload="town")
    await veteran.say(payload="flow:town:tongshi")
    await veteran.say("转人工")
    assert (await open_ticket(engine.database, 1)).station_id == "tongshi"
    [reply] = await veteran.say("活不下去了")
    assert "心理援助热线 12356" in reply.text
    ticket = await open_ticket(engine.database, 1)
    assert (ticket.urgent, ticket.station_id) == (True, "county")
    async with engine.database.transaction() as session:
        actions = [e.action for e in await AuditLog(session).for_ticket(1)]
    assert actions == ["open", "urgent"]


async def test_two_fallbacks_in_a_row_hand_over(engine: Engine, clock: Clock) -> None:
    veteran = Veteran(engine, clock)
    await veteran.say("嗯呐呐哒哒")
    [reply] = await veteran.say("咔咔咔哒哒哒")
    assert "已为您转给工作人员" in reply.text
    assert (await open_ticket(engine.database, 1)).reason == "fallback"


async def _live_in(veteran: Veteran, station_id: str) -> None:
    async with veteran.engine.database.transaction() as session:
        conversations = Conversations(session)
        state = await conversations.open(*veteran._parts())
        state.station_id = station_id
        await conversations.save(state)


async def test_a_village_users_ticket_goes_to_their_village(engine: Engine, clock: Clock) -> None:
    veteran = Veteran(engine, clock)
    await _live_in(veteran, "tongshi_village")
    [reply] = await veteran.say("转人工")
    assert "童市村退役军人服务站的工作人员" in reply.text
    assert (await open_ticket(engine.database, 1)).station_id == "tongshi_village"


async def test_contact_staff_after_an_answer_goes_to_the_entrys_level(
    engine: Engine, clock: Clock
) -> None:
    veteran = Veteran(engine, clock)
    await _live_in(veteran, "tongshi_village")
    [answer] = await veteran.say(payload="entry:preferential.family_allowance")
    handoff = next(o.payload for o in answer.options if o.payload.startswith("handoff"))
    assert handoff == "handoff:preferential.family_allowance"
    await veteran.say(payload=handoff)  # the entry is handled at town level
    ticket = await open_ticket(engine.database, 1)
    assert (ticket.category, ticket.station_id) == ("preferential", "tongshi")


async def test_messages_join_the_ticket_and_live_ones_are_only_relayed(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    veteran = Veteran(engine, clock)
    await veteran.say("转人工")
    [noted] = await veteran.say("我的补助三个月没到账了")
    assert "这条留言会转给工作人员" in noted.text
    assert (await open_ticket(engine.database, 1)).summary == "转人工"
    [answered] = await veteran.say("优待证怎么办理")  # the bot still answers what it can
    assert "测试答案" in answered.text
    staff = await add_staff(engine.database, "li", "county")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.advance(minutes=5)).claim(1)
    clock.advance(minutes=1)
    [relayed] = await veteran.say("在吗")  # live: relayed to staff, said so once a burst
    assert relayed.text == "已转给工作人员。"
    assert await veteran.say("1") == []  # a digit is a word for staff, not an option
    ticket = await open_ticket(engine.database, 1)
    assert ticket.last_user_at == clock.now
    assert ticket.staff_seen_at is not None and ticket.staff_seen_at < clock.now
    conversation = await veteran.conversation()
    async with engine.database.transaction() as session:
        logged = await Transcript(session).messages(conversation)
    assert [m.text for _, m in logged if m.direction == "in"][-2:] == ["在吗", "1"]


async def test_staff_reply_goes_out_through_the_outbox_and_the_log(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    veteran = Veteran(engine, clock)
    await veteran.say("转人工")
    await veteran.say(payload="menu")  # wandered off: a staff reply brings them back
    staff = await add_staff(engine.database, "li", "county")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).reply(1, "您好，请问是哪项补助？")
    conversation = await veteran.conversation()
    async with engine.database.transaction() as session:
        pending = await Outbox(session).claim(limit=10, lease=timedelta(0), channels=["test"])
        logged = await Transcript(session).messages(conversation)
    texts = [reply["text"] for item in pending for reply in item.payload]
    assert texts == [
        "测试县退役军人服务中心的工作人员已接手您的事项，正在为您处理。",
        "【测试县退役军人服务中心工作人员】您好，请问是哪项补助？",
    ]
    assert [m.outcome for _, m in logged[-2:]] == ["notice", "staff"]
    state = await veteran.state()
    assert (state.flow, state.step) == ("handoff", "talk")
    assert [r.text for r in await veteran.say("优待金")] == ["已转给工作人员。"]  # relayed


async def test_resolve_asks_for_a_rating_by_digit_or_button(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    veteran, staff = await handed_over(engine, clock)
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).resolve(
            1, "已电话联系，补助本周到账。"
        )
    conversation = await veteran.conversation()
    async with engine.database.transaction() as session:
        logged = await Transcript(session).messages(conversation)
    resolved, ask = (m for _, m in logged[-2:])
    assert resolved.text == "您的事项（编号 T-000001）已办结：已电话联系，补助本周到账。"
    assert [p for _, p in ask.options] == [f"rate:1:{n}" for n in range(1, 6)]
    [thanks] = await veteran.say("5")
    assert "谢谢您的评价" in thanks.text
    assert (await open_ticket(engine.database, 1)).rating == 5
    [again] = await veteran.say(payload="rate:1:1")  # one rating per ticket
    assert "已经评价过" in again.text
    assert (await open_ticket(engine.database, 1)).rating == 5
    async with engine.database.transaction() as session:
        [rating] = await Tickets(session).ratings(None)
    assert (rating.station_id, rating.count, rating.average) == ("county", 1, 5.0)


async def test_after_resolution_other_words_are_handled_as_usual(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    veteran, staff = await handed_over(engine, clock)
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).resolve(1, "已办好")
    [answer] = await veteran.say("优待证怎么办理")
    assert "测试答案" in answer.text and (await veteran.state()).flow is None


async def test_someone_elses_rating_button_does_nothing(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    await Veteran(engine, clock, "a").say("转人工")
    staff = await add_staff(engine.database, "li", "county")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).resolve(1, "已办好")
    [reply] = await Veteran(engine, clock, "b").say(payload="rate:1:1")
    assert "已经评价过或已不能评价" in reply.text
    assert (await open_ticket(engine.database, 1)).rating is None


async def test_a_ticket_opened_from_a_button_takes_the_first_words_as_its_summary(
    engine: Engine, clock: Clock
) -> None:
    veteran = Veteran(engine, clock)
    await veteran.say(payload="handoff")
    await veteran.say("补助没到账")
    await veteran.say("还有一件事")
    assert (await open_ticket(engine.database, 1)).summary == "补助没到账"


async def test_cancel_leaves_the_chat_but_not_the_ticket(engine: Engine, clock: Clock) -> None:
    veteran = Veteran(engine, clock)
    await veteran.say("转人工")
    [reply] = await veteran.say("取消")
    assert "仍在工作人员那里" in reply.text
    assert (await open_ticket(engine.database, 1)).status == "waiting"
    [again] = await veteran.say("转人工")
    assert "已经在工作人员那里了" in again.text  # joined, not a second ticket


@pytest.mark.parametrize("when", [MONDAY_10, SUNDAY_10])
async def test_english_users_are_told_in_english(
    engine: Engine, clock: Clock, when: object
) -> None:
    clock.now = when  # type: ignore[assignment]
    veteran = Veteran(engine, clock)
    await veteran.say(payload="lang:en")
    [reply] = await veteran.say(payload="handoff")
    assert "number T-000001" in reply.text and "Test County Veterans Service Centre" in reply.text
