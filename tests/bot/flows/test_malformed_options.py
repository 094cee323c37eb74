"""Options no menu of ours makes are answered as stale, inside a flow too (they used to crash
the turn when a flow read them)."""

from __future__ import annotations

from bot.conversation.engine import Engine
from bot.flows.booking.days import bookable_range, open_days
from tests.bot.chatting import Chat, labels, payloads
from tests.bot.flows.booking.test_booking_flow import walk as walk_booking
from tests.bot.flows.dated import TODAY
from tests.bot.flows.request.test_request_flow import walk as walk_form


async def test_a_malformed_day_option_does_not_crash_the_turn(chat: Chat) -> None:
    await walk_booking(chat, 3)
    reply = await chat.pick("flow:booking:d:someday")
    assert "已经失效" in reply.text
    state = await chat.state()
    assert (state.flow, state.step) == ("booking", "day")  # the booking is still there
    assert "请选择时段" in (await chat.say("2026-09-21")).text


async def test_a_malformed_choice_option_does_not_crash_the_turn(chat: Chat) -> None:
    await walk_form(chat, 6)  # the choice field
    reply = await chat.pick("flow:request:c:first")
    assert "已经失效" in reply.text and (await chat.state()).values["at"] == "purpose"
    assert "还有什么要说明的吗" in (await chat.say("查询进度")).text


async def test_when_the_last_place_fills_up_another_day_can_be_picked(engine: Engine) -> None:
    """The place taken meanwhile was the last one: the days are offered, and picking one works
    (it used to leave the flow at its summary, which answered every day with "confirm?")."""
    alice, bob = Chat(engine, "alice"), Chat(engine, "bob")
    last = max(open_days(*bookable_range(TODAY)))
    for user in (alice, bob):
        await walk_booking(user, 3)
        await user.pick(f"flow:booking:d:{last.isoformat()}")
        await user.pick("flow:booking:sl:下午")
    assert "预约成功" in (await alice.pick("flow:booking:confirm")).text
    full = await bob.pick("flow:booking:confirm")
    assert "刚刚约满了" in full.text and "近期已经没有空余名额了" in full.text
    assert (await bob.state()).step == "day"
    first = payloads(full)[0]
    assert first.startswith("flow:booking:d:") and labels(full)[0]
    slots = await bob.pick(first)
    assert "请选择时段" in slots.text
