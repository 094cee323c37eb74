"""Decisions on the real knowledge base, one behaviour per test."""

from __future__ import annotations

import pytest

from intents.decision import Answer, Clarify, Fallback, Intent
from intents.understand import Understanding


def test_answers_a_plain_question(understanding: Understanding) -> None:
    decision = understanding.decide("退役军人优待证在哪里申请")
    assert isinstance(decision, Answer)
    assert decision.entry_id == "preferential.card"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("优代证咋办", "preferential.card"),  # homophone typo + dialect
        ("退伍軍人優待證", "preferential.card"),  # traditional characters
        ("光荣派掉了", "preferential.glory_plaque"),
        ("How do I get the preferential card?", "preferential.card"),
        ("山东的义务兵家庭优待金是多少", "preferential.family_allowance"),  # another place
        ("退役*人优待证", "preferential.card"),  # masked word
    ],
)
def test_noisy_questions(understanding: Understanding, question: str, entry: str) -> None:
    decision = understanding.decide(question)
    assert isinstance(decision, Answer), decision
    assert decision.entry_id == entry


@pytest.mark.parametrize(
    "question",
    ["我不想活了，优待证也办不下来", "活着没意思", "I want to kill myself", "我要跟他们同归于尽"],
)
def test_distress_and_threats_always_reach_a_person(
    understanding: Understanding, question: str
) -> None:
    decision = understanding.decide(question)
    assert isinstance(decision, Intent)
    assert (decision.name, decision.urgent) == ("@human", True)


def test_asking_for_a_person_is_not_urgent(understanding: Understanding) -> None:
    decision = understanding.decide("转人工")
    assert isinstance(decision, Intent)
    assert (decision.name, decision.urgent, decision.reason) == ("@human", False, "asked")


@pytest.mark.parametrize(
    "question",
    [
        "今天天气怎么样",
        "医保卡丢了怎么补办",
        "残联的残疾证怎么办",
        "tell me a joke",
        "公积金怎么取",
    ],
)
def test_everyday_questions_get_no_policy_answer(
    understanding: Understanding, question: str
) -> None:
    decision = understanding.decide(question)
    assert not isinstance(decision, Answer | Clarify), decision


def test_gibberish_falls_back(understanding: Understanding) -> None:
    assert isinstance(understanding.decide("zzqx"), Fallback)
    assert isinstance(understanding.decide("   "), Fallback)


@pytest.mark.parametrize(
    ("question", "intent"),
    [("你好", "@greet"), ("菜单", "@help"), ("取消", "@cancel"), ("谢谢", "@thanks")],
)
def test_conversation_intents(understanding: Understanding, question: str, intent: str) -> None:
    decision = understanding.decide(question)
    assert isinstance(decision, Intent)
    assert decision.name == intent


def test_long_letter_gets_best_answer_and_the_rest_as_options(
    understanding: Understanding,
) -> None:
    letter = (
        "领导你好，我是平江的退伍老兵，今年六十二岁了，一直在农村种田。"
        "想问一下农村籍退役士兵老年生活补助怎么申请？另外退役军人优待证要去哪里办理？"
    )
    decision = understanding.decide(letter)
    assert isinstance(decision, Answer)
    topics = {decision.entry_id, *decision.also}
    assert {"preferential.elderly_rural_subsidy", "preferential.card"} <= topics


def test_close_entries_are_offered_not_guessed(understanding: Understanding) -> None:
    decision = understanding.decide("补助")
    assert isinstance(decision, Clarify | Fallback)
    if isinstance(decision, Clarify):
        assert 2 <= len(decision.options) <= 3


def test_explanation_shows_every_signal(understanding: Understanding) -> None:
    explanation = understanding.explain("优待证怎么办")
    best = explanation.matches[0]
    assert best.name == "preferential.card"
    assert 0 < best.bm25 <= 1 and 0 < best.dice <= 1 and 0 < best.pinyin <= 1
    assert best.phrasing


def test_deterministic(understanding: Understanding) -> None:
    assert understanding.decide("伤残等级怎么评") == understanding.decide("伤残等级怎么评")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "我要申请优待证",
            "preferential.card",
        ),  # a topic clearly ahead: its answer offers the form
        ("帮我约个时间去县退役军人服务中心办事", "@book_appointment"),  # doing, level with a topic
    ],
)
def test_doing_versus_asking(understanding: Understanding, question: str, expected: str) -> None:
    decision = understanding.decide(question)
    got = decision.entry_id if isinstance(decision, Answer) else getattr(decision, "name", None)
    assert got == expected, decision


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("残疾军人优待证在哪里办", "preferential.card"),  # the document, not the person
        ("参战老兵评残要准备什么材料", "preferential.disability_assessment"),  # prepare for X
        ("带病回乡的老兵看病能报销吗", "preferential.medical"),
        ("参战老兵的优待证怎么办", "preferential.card"),
    ],
)
def test_the_head_noun_breaks_ties(understanding: Understanding, question: str, entry: str) -> None:
    decision = understanding.decide(question)
    assert isinstance(decision, Answer), decision
    assert decision.entry_id == entry


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        (
            "我爸爸是退伍軍人，今年已經六十五歲了，一直在農村種地，請問他能不能領老年生活補助？",
            "preferential.elderly_rural_subsidy",
        ),
        ("請問義務兵家庭優待金什麼時候發放，我們家還沒收到", "preferential.family_allowance"),
        ("退役軍人優待證丟了應該去哪裡補辦", "preferential.card"),
        ("我想了解一下退伍軍人創業貸款的條件和額度", "employment.startup_loan"),
    ],
)
def test_traditional_characters_in_long_sentences(
    understanding: Understanding, question: str, entry: str
) -> None:
    decision = understanding.decide(question)
    assert isinstance(decision, Answer), decision
    assert decision.entry_id == entry


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("退役军人坐高铁有优惠吗", "preferential.card"),  # discounts with the card
        ("退役军人交个税有优惠吗", "employment.tax_relief"),
        ("老兵的养老钱怎么领", "preferential.elderly_rural_subsidy"),
        ("现役军人家属有什么待遇", "preferential.family_allowance"),
        ("两参人员每月补助多少", "preferential.combat_nuclear"),
        ("老复员军人的定补多少钱", "preferential.pension_subsidy"),
        ("立三等功的退伍兵退役金加多少", "resettlement.self_employment"),
    ],
)
def test_colloquial_and_short_names(
    understanding: Understanding, question: str, entry: str
) -> None:
    decision = understanding.decide(question)
    assert isinstance(decision, Answer), decision
    assert decision.entry_id == entry


def test_a_question_with_no_key_term_is_offered_choices(understanding: Understanding) -> None:
    decision = understanding.decide("补助")
    assert isinstance(decision, Clarify), decision


def test_explanation_shows_terms_and_safety(understanding: Understanding) -> None:
    explanation = understanding.explain("我在你们局外面，再不解决我就闹")
    assert "threat" in explanation.safety
    explanation = understanding.explain("参战老兵评残要准备什么材料")
    assert explanation.head == "评残"
