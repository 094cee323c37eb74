"""有帮助 / 没帮助 after a policy answer: numbered after the next steps, picked by a digit, stored
per answer with the entry, the masked question and the knowledge-base version; 没帮助 asks once
what was missing (skippable; a question is answered instead) and offers a person."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.conversation.engine import Engine
from bot.conversation.payloads import (
    Command,
    FlowOption,
    Handoff,
    Helped,
    Payload,
    Unknown,
    build,
    parse,
)
from storage.models import AnswerFeedback, Unanswered
from tests.bot.chatting import Chat, labels, payloads


async def _rows(engine: Engine) -> tuple[list[AnswerFeedback], list[Unanswered]]:
    async with engine.database.transaction() as session:
        served = list(await session.scalars(select(AnswerFeedback).order_by(AnswerFeedback.id)))
        missed = list(await session.scalars(select(Unanswered).order_by(Unanswered.id)))
    return served, missed


@pytest.mark.parametrize(
    ("text", "payload"),
    [
        ("helped:preferential.card:yes", Helped("preferential.card", True)),
        ("helped:preferential.card:no", Helped("preferential.card", False)),
        ("flow:feedback:skip", FlowOption("feedback", Command("skip"))),
    ],
)
def test_the_verdict_payloads_parse_and_build_back(text: str, payload: Payload) -> None:
    assert parse(text) == payload and build(payload) == text


@pytest.mark.parametrize("text", ["helped:preferential.card:maybe", "helped::yes", "helped:x"])
def test_a_malformed_verdict_is_unknown(text: str) -> None:
    assert parse(text) == Unknown(text)


async def test_the_verdicts_come_after_the_next_steps_and_before_the_menu(chat: Chat) -> None:
    reply = await chat.say("优待证怎么办理")
    assert payloads(reply)[-3:] == [
        build(Helped("preferential.card", True)),
        build(Helped("preferential.card", False)),
        "menu",
    ]
    assert labels(reply)[-3:-1] == ["有帮助", "没帮助"]
    assert payloads(reply)[0] == "request:preferential_card"  # the next steps keep 1 and 2


async def test_helpful_by_digit_is_stored_with_the_question_masked(
    chat: Chat, engine: Engine
) -> None:
    reply = await chat.say("我的电话是13812345678，优待证怎么办理")
    helpful = payloads(reply).index(build(Helped("preferential.card", True))) + 1
    thanks = await chat.say(str(helpful))
    assert "谢谢您的反馈" in thanks.text
    served, missed = await _rows(engine)
    assert [(r.entry_id, r.helpful) for r in served] == [("preferential.card", True)]
    assert "13812345678" not in served[0].question
    assert "138****5678" in served[0].question
    assert served[0].kb_version == engine.knowledge.current.kb.fingerprint
    assert missed == []


async def test_not_helpful_then_what_was_missing_then_a_person(chat: Chat, engine: Engine) -> None:
    reply = await chat.say("优待证怎么办理")
    not_helpful = payloads(reply).index(build(Helped("preferential.card", False))) + 1
    ask = await chat.say(str(not_helpful))
    assert "缺什么" in ask.text
    assert payloads(ask)[0] == build(Handoff("preferential.card"))
    noted = await chat.say("没写要带几张照片")
    assert "已经记下" in noted.text
    assert payloads(noted)[0] == build(Handoff("preferential.card"))
    person = await chat.say("1")
    assert "T-000001" in person.text
    served, missed = await _rows(engine)
    assert [(r.helpful, r.reason) for r in served] == [(False, "没写要带几张照片")]
    assert [(m.kind, m.entry_id, m.question, m.reason) for m in missed] == [
        ("not_helpful", "preferential.card", "优待证怎么办理", "没写要带几张照片")
    ]
    assert missed[0].candidates[0][0] == "preferential.card"


async def test_what_was_missing_may_be_skipped(chat: Chat, engine: Engine) -> None:
    await chat.say("优待证怎么办理")
    await chat.pick(build(Helped("preferential.card", False)))
    skipped = await chat.say("跳过")
    assert "不用说明" in skipped.text
    assert (await chat.state()).flow is None
    served, _ = await _rows(engine)
    assert [(r.helpful, r.reason) for r in served] == [(False, "")]


async def test_a_question_instead_of_what_was_missing_is_answered(
    chat: Chat, engine: Engine
) -> None:
    await chat.say("优待证怎么办理")
    await chat.pick(build(Helped("preferential.card", False)))
    answered = await chat.say("优待证丢了怎么办")
    assert "先到银行挂失" in answered.text
    assert (await chat.state()).flow is None
    served, _ = await _rows(engine)
    assert [(r.entry_id, r.reason) for r in served] == [
        ("preferential.card", ""),
        ("preferential.card_loss", ""),
    ]


async def test_a_verdict_on_an_entry_that_is_gone_records_nothing(
    chat: Chat, engine: Engine
) -> None:
    reply = await chat.pick(build(Helped("preferential.gone", False)))
    assert "缺什么" not in reply.text and "policy" in payloads(reply)  # the main menu
    assert (await chat.state()).flow is None
    assert await _rows(engine) == ([], [])


async def test_not_helpful_twice_is_one_question_in_the_inbox(chat: Chat, engine: Engine) -> None:
    await chat.say("优待证怎么办理")
    await chat.pick(build(Helped("preferential.card", False)))
    await chat.say("跳过")
    await chat.pick(build(Helped("preferential.card", False)))
    _, missed = await _rows(engine)
    assert [m.kind for m in missed] == ["not_helpful"]


async def test_an_answer_while_a_form_waits_offers_no_verdicts(chat: Chat) -> None:
    await chat.pick("request:preferential_card")
    aside = await chat.say("优待证丢了怎么办")
    assert "先到银行挂失" in aside.text
    assert not any(p.startswith("helped:") for p in payloads(aside))
    assert (await chat.state()).flow == "request"
