"""A question for another office is declined with a pointer to that office, never answered
with a veterans' entry that merely shares a word (补办身份证 is not 补办优待证)."""

from __future__ import annotations

import pytest

from tests.bot.chatting import Chat


@pytest.mark.parametrize(
    ("question", "office"),
    [
        ("补办身份证要带什么材料", "派出所"),
        ("我想把户口迁到县城怎么办", "派出所"),
        ("医保卡丢了怎么补办", "医疗保障"),
    ],
)
async def test_a_question_for_another_office_names_that_office(
    chat: Chat, question: str, office: str
) -> None:
    reply = await chat.say(question)
    assert "不归退役军人事务部门办理" in reply.text, reply.text
    assert office in reply.text, reply.text
    assert "优待证" not in reply.text.split("\n")[0]


async def test_chit_chat_is_declined_without_an_office(chat: Chat) -> None:
    reply = await chat.say("今天天气怎么样")
    assert "不在我的服务范围内" in reply.text, reply.text


async def test_in_english_the_office_is_named_in_english(chat: Chat) -> None:
    reply = await chat.say("How do I renew my passport?")
    assert "please ask" in reply.text and "exit-entry" in reply.text, reply.text
