"""Questions about another office's affairs are declined with a pointer to that office, and the
words no entry explains are carried for explanations; veterans asking the same things are not."""

from __future__ import annotations

import pytest

from intents.decision import Answer, Intent
from intents.examples import OUT_OF_SCOPE, load_examples
from intents.understand import Understanding


@pytest.mark.parametrize(
    ("question", "domain"),
    [
        ("补办身份证要带什么", "household"),  # 补办 is the card entry's word, 身份证 is not
        ("我是退伍军人，身份证丢了怎么补办", "household"),  # a veteran asking the police's thing
        ("孩子刚出生怎么上户口", "household"),
        ("医保卡丢了怎么补办", "medical_insurance"),
        ("农村合作医疗住院怎么报销", "medical_insurance"),
        ("养老金什么时候涨", "social_insurance"),
        ("职工去世抚恤金怎么领", "social_insurance"),  # 抚恤金 of someone who never served
        ("种粮补贴什么时候发", "agriculture"),
        ("大学生助学金怎么申请", "education"),
        ("驾驶证到期怎么换", "driving"),
        ("港澳通行证怎么续签", "passports"),
        ("住房公积金贷款能贷多少", "housing_fund"),
        ("养老服务站在哪里", "civil_affairs"),  # not the veterans' 服务站
        ("老年人优待证在哪办", "civil_affairs"),  # not the veterans' 优待证
        ("电费在手机上怎么交", "utilities"),
        ("警察优待证怎么办", "household"),  # someone another office serves
        ("老人去世了抚恤金怎么领", "civil_affairs"),
        ("10086客服电话多少", "utilities"),  # a hotline number is a term too
    ],
)
def test_declined_with_the_right_office(
    understanding: Understanding, question: str, domain: str
) -> None:
    decision = understanding.decide(question)
    assert isinstance(decision, Intent), decision
    assert decision.name == OUT_OF_SCOPE
    assert decision.office is not None and decision.office.domain == domain, decision
    assert decision.office.zh and decision.office.en


def test_a_decline_says_which_words_no_entry_explains(understanding: Understanding) -> None:
    decision = understanding.decide("补办身份证要带什么")
    assert isinstance(decision, Intent)
    assert "身份证" in decision.unexplained


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("退伍后户口怎么落", "resettlement.household"),
        ("退伍后医保怎么接续", "resettlement.social_insurance"),
        ("部队的养老保险怎么转到地方", "resettlement.social_insurance"),
        ("退役士兵上大学学费能减免吗", "resettlement.education"),
        ("我爸农村户口的退伍老兵，60多了有老年补助吗", "preferential.elderly_rural_subsidy"),
        ("我家老人是老兵，60岁以上有补贴吗", "preferential.elderly_rural_subsidy"),  # 老兵 wins
    ],
)
def test_veterans_asking_about_the_same_subjects_are_answered(
    understanding: Understanding, question: str, entry: str
) -> None:
    decision = understanding.decide(question)
    assert isinstance(decision, Answer), decision
    assert decision.entry_id == entry


def test_every_domain_has_an_office_and_words() -> None:
    examples = load_examples()
    assert examples.offices
    domains = set(examples.office_words.values())
    assert set(examples.offices) == domains  # every domain has words, every word a domain
    for office in examples.offices.values():
        assert office.zh and office.en


@pytest.mark.parametrize(
    "question",
    ["我的电话是13812345678，优待证怎么办理", "优待证怎么办理 电话15912345001"],
)
def test_a_phone_number_is_not_the_12345_hotline(
    understanding: Understanding, question: str
) -> None:
    """A number is a term only whole: the hotline 12345 inside a phone number declined a plain
    question about the preferential card."""
    decision = understanding.decide(question)
    assert isinstance(decision, Answer) and decision.entry_id == "preferential.card", decision
