"""Test helpers for work a user leaves for staff: a filed preferential-card request and a booked
visit, through the engine with the fixture policies (as a user at 童市)."""

from __future__ import annotations

import re

from tests.bot.chatting import Chat, payloads

ID_NUMBER = "11010519491231002X"  # GB 11643's own example
PHONE = "13912345678"


async def file_card_request(chat: Chat) -> str:
    """File a preferential-card request for 张三; its tracking number."""
    await chat.pick("request:preferential_card")
    for message in ("童市", "同意", "张三", ID_NUMBER, PHONE, "1", "跳过"):
        await chat.say(message)
    filed = await chat.say("确认")
    number = re.search(r"PJ-\d{4}-\d{6}", filed.text)
    assert number is not None, filed.text
    return number[0]


async def book_a_visit(chat: Chat) -> str | None:
    """Book the first morning offered for a glory plaque; its number, or None (and no flow
    left open) when the holiday calendar offers no day in the coming weeks."""
    await chat.pick("booking")
    days = await chat.pick("flow:booking:v:光荣牌")
    offered = [p for p in payloads(days) if p.startswith("flow:booking:d:")]
    if not offered:
        await chat.say("取消")
        return None
    await chat.pick(offered[0])
    await chat.pick("flow:booking:sl:上午")
    booked = await chat.pick("flow:booking:confirm")
    number = re.search(r"PJY-\d{4}-\d{6}", booked.text)
    assert number is not None, booked.text
    return number[0]
