"""Answer replies: a question about another place is told whose standard the answer is."""

from __future__ import annotations

from tests.bot.chatting import Chat


async def test_another_place_gets_the_national_rule_and_whom_to_ask(chat: Chat) -> None:
    reply = await chat.say("长沙的优待证在哪里办")
    assert "您问到了长沙" in reply.text
    assert "长沙的退役军人事务部门" in reply.text


async def test_our_own_county_gets_no_such_note(chat: Chat) -> None:
    reply = await chat.say("平江的优待证在哪里办")
    assert "您问到了" not in reply.text
