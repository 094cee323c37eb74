"""Conversation state saved by an older version still loads: a saved state outlives a deploy.

Before corrections and moves had steps of their own, a correction from the form's summary was
the `field` step with `fixing` set, and a move took the new booking's steps with `moving` set
(a cancel kept its number in `cancelling`).
"""

from __future__ import annotations

from typing import Any

from storage.database import Database
from storage.repositories.conversations import Conversations
from tests.bot.chatting import Chat
from tests.bot.flows.booking.test_booking_flow import visits
from tests.bot.flows.booking.test_booking_flow import walk as walk_booking
from tests.bot.flows.dated import PHONE
from tests.bot.flows.request.test_request_flow import filed
from tests.bot.flows.request.test_request_flow import walk as walk_form


async def saved_by_the_old_version(
    chat: Chat, database: Database, step: str, old: dict[str, Any]
) -> None:
    """The state as the old version saved it: at `step`, with its `old` values (and without
    the new `number`)."""
    async with database.transaction() as session:
        conversations = Conversations(session)
        state = await conversations.open(*chat._parts())
        values = {k: v for k, v in state.values.items() if k != "number"}
        state.step, state.values = step, {**values, **old}
        await conversations.save(state)


async def test_a_correction_saved_with_fixing_goes_back_to_the_summary(
    chat: Chat, database: Database
) -> None:
    await walk_form(chat)
    await chat.say("修改")
    await chat.pick("flow:request:f:phone")
    await saved_by_the_old_version(chat, database, "field", {"fixing": True})
    summary = await chat.say("13700001111")
    assert "手机号码：13700001111" in summary.text and "请核对" in summary.text
    assert "fixing" not in (await chat.state()).values
    await chat.say("确认")
    [request] = await filed(chat)
    assert request.answers["phone"] == "13700001111"


async def test_a_form_saved_with_fixing_off_carries_on_field_by_field(
    chat: Chat, database: Database
) -> None:
    await walk_form(chat, 5)
    await saved_by_the_old_version(chat, database, "field", {"fixing": False})
    assert "您要办理哪一项" in (await chat.say(PHONE)).text
    assert (await chat.state()).step == "field"


async def test_a_move_saved_with_moving_is_still_a_move(chat: Chat, database: Database) -> None:
    await walk_booking(chat)
    await chat.pick("flow:booking:confirm")
    await chat.pick("booking:move:PJY-2026-000001")
    old = {"moving": "PJY-2026-000001", "cancelling": ""}
    await saved_by_the_old_version(chat, database, "day", old)
    await chat.pick("flow:booking:d:2026-09-22")
    assert (await chat.state()).step == "move_slot"
    summary = await chat.pick("flow:booking:sl:下午")
    assert "请核对预约 PJY-2026-000001 的新时间" in summary.text
    moved = await chat.pick("flow:booking:confirm")
    assert "已改期！预约号 PJY-2026-000001 不变" in moved.text
    [visit] = await visits(chat)
    assert str(visit.place.day) == "2026-09-22" and visit.place.slot == "下午"


async def test_a_move_saved_at_its_summary_is_confirmed_as_a_move(
    chat: Chat, database: Database
) -> None:
    await walk_booking(chat)
    await chat.pick("flow:booking:confirm")
    await chat.pick("booking:move:PJY-2026-000001")
    await chat.pick("flow:booking:d:2026-09-22")
    await chat.pick("flow:booking:sl:下午")
    await saved_by_the_old_version(chat, database, "confirm", {"moving": "PJY-2026-000001"})
    moved = await chat.say("确认")
    assert "已改期！预约号 PJY-2026-000001 不变" in moved.text
    assert len(await visits(chat)) == 1


async def test_a_cancel_saved_with_cancelling_still_cancels(chat: Chat, database: Database) -> None:
    await walk_booking(chat)
    await chat.pick("flow:booking:confirm")
    await chat.pick("booking:cancel:PJY-2026-000001")
    old = {"cancelling": "PJY-2026-000001", "moving": ""}
    await saved_by_the_old_version(chat, database, "cancel", old)
    done = await chat.pick("flow:booking:confirm")
    assert "预约 PJY-2026-000001 已取消" in done.text
    assert (await visits(chat))[0].state == "cancelled"
