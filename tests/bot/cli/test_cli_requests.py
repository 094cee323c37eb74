"""`vetbot requests …` / `vetbot bookings …`: a station's queue masked, changes told to users."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storage.repositories.outbox import Outbox
from tests.bot.chatting import Chat, payloads
from tests.bot.cli.running import vetbot
from tests.bot.flows.request.behalf import VETERAN_ID, VETERAN_PHONE, choose, number_in
from tests.bot.flows.request.test_filed_for import to_summary

ID = "11010519491231002X"  # GB 11643's own example


async def test_a_request_is_listed_masked_and_moved_on(tmp_path: Path, chat: Chat) -> None:
    await chat.pick("request:preferential_card")
    for message in ("童市", "同意", "张三", ID, "13912345678", "1", "跳过"):
        await chat.say(message)
    filed = await chat.say("确认")
    number = re.search(r"PJ-\d{4}-\d{6}", filed.text)
    assert number is not None
    listed = vetbot(tmp_path, "requests", "list", "--station", "tongshi")
    assert listed.returncode == 0, listed.stderr
    assert number[0] in listed.stdout and "1101**********002X" in listed.stdout
    assert "139****5678" in listed.stdout
    assert ID not in listed.stdout and "13912345678" not in listed.stdout
    moved = vetbot(tmp_path, "requests", "state", number[0], "accepted", "--actor", "张三")
    assert moved.returncode == 0, moved.stderr
    refused = vetbot(tmp_path, "requests", "state", number[0], "submitted", "--actor", "张三")
    assert refused.returncode == 1 and "can move to" in refused.stderr
    async with chat.engine.database.transaction() as session:
        assert await Outbox(session).pending() == 1  # the user is told of "accepted"


async def test_a_booking_is_listed_and_ended(tmp_path: Path, chat: Chat) -> None:
    for payload in ("booking", "flow:booking:v:光荣牌"):
        days = await chat.pick(payload)
    offered = [p for p in payloads(days) if p.startswith("flow:booking:d:")]
    if not offered:
        pytest.skip(
            "the holiday calendar has no data for the coming weeks: upgrade chinesecalendar"
        )
    await chat.pick(offered[0])
    await chat.pick("flow:booking:sl:上午")
    booked = await chat.pick("flow:booking:confirm")
    number = re.search(r"PJY-\d{4}-\d{6}", booked.text)
    assert number is not None
    listed = vetbot(tmp_path, "bookings", "list", "--station", "tongshi")
    assert listed.returncode == 0 and number[0] in listed.stdout and "光荣牌" in listed.stdout
    assert vetbot(tmp_path, "bookings", "end", number[0], "no_show").returncode == 0
    again = vetbot(tmp_path, "bookings", "end", number[0], "no_show")
    assert again.returncode == 1 and "holds no place" in again.stderr
    assert vetbot(tmp_path, "bookings", "end", number[0], "lost").returncode == 1


async def test_requests_list_shows_whom_a_request_was_filed_for(tmp_path: Path, chat: Chat) -> None:
    """A request filed by a child for their father names the father in the queue, his phone
    masked and his ID number not shown at all."""
    summary = await to_summary(chat)
    number = number_in(await choose(chat, summary, "flow:request:submit"))
    listed = vetbot(tmp_path, "requests", "list", "--station", "tongshi")
    assert listed.returncode == 0, listed.stderr
    assert number in listed.stdout and "代 父亲 张大山 办理 · 138****1111" in listed.stdout
    assert VETERAN_ID not in listed.stdout and VETERAN_PHONE not in listed.stdout
