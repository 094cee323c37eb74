"""Long messages: a grievance written as a letter, a run-on question, a letter about someone
else's affairs."""

from __future__ import annotations

import pytest

from intents.decision import Answer, Intent
from intents.understand import Understanding


@pytest.mark.parametrize(
    "letter",
    [
        "尊敬的领导：我是一名1979年入伍的老兵，退伍后回乡务农。当年的安置问题我多次向乡里、县里"
        "反映，至今没有解决，村里推给乡里，乡里推给县里。恳请领导重视，落实我们应有的待遇。",
        # 工龄 is the social insurance office's, but the letter is a veteran's old grievance.
        "我是一名下岗的退伍军人当年企业改制的时候我被买断了工龄军龄也没算进去我这些年一直在反映"
        "可是每次都说是历史遗留问题没办法解决",
        # 说好了, 没有下文: a promise broken, written as a plea without a question.
        "领导您好我是一名参加过抗洪抢险的退伍兵我们那批兵当年说好了有补助后来就没有下文了"
        "很多战友都老了病了我代表他们写这封信希望能把我们的待遇落实下来",
    ],
)
def test_a_written_grievance_goes_to_the_petition_entry(
    understanding: Understanding, letter: str
) -> None:
    decision = understanding.decide(letter)
    assert isinstance(decision, Answer | Intent), decision
    if isinstance(decision, Answer):
        assert decision.entry_id in {"rights.petition", "rights.complaint"}
    else:
        assert decision.name == "@human"


def test_a_run_on_question_gets_its_one_question(understanding: Understanding) -> None:
    message = (
        "你好我儿子前年去当兵了现在在新疆我们家到现在还没有收到优待金想问问这个钱到底什么时候发谢谢"
    )
    decision = understanding.decide(message)
    assert isinstance(decision, Answer), decision
    assert decision.entry_id == "preferential.family_allowance"


def test_a_run_on_question_after_chatter(understanding: Understanding) -> None:
    message = (
        "领导您好我是退伍老兵今年六十三了家里种地身体也不好想问一下我们这种农村的老兵每个月"
        "有没有补助我听村里人说有但是不知道去哪里申请"
    )
    decision = understanding.decide(message)
    assert isinstance(decision, Answer), decision
    assert decision.entry_id == "preferential.elderly_rural_subsidy"


def test_a_letter_about_someone_elses_office_is_not_ours(understanding: Understanding) -> None:
    letter = (
        "我是社区居民，前天在社区买医保，办理医保的工作人员态度极其恶劣，问几个问题就极不耐烦，"
        "社区的工作是服务居民，你如此的服务态度，让老百姓怎么办？"
    )
    decision = understanding.decide(letter)
    assert not isinstance(decision, Answer), decision


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        # What it names (在部队 退役 优待证) and what follows its 想问.
        (
            "我是湖北人在广东打工好多年了以前在部队待了五年九八年退伍的回来就出去打工了也没管那些事"
            "现在听说有个优待证可以办我想问下我这种人能不能办在哪里办",
            "preferential.card",
        ),
        # 到底档案去哪了 asks: a piece about the archives answers it.
        (
            "我老公退伍三个月了档案一直没到县里打电话问部队说早就寄出来了县里又说没收到到底档案去哪了",
            "resettlement.archives",
        ),
    ],
)
def test_a_run_on_question_is_read_as_what_it_names_and_asks(
    understanding: Understanding, message: str, entry: str
) -> None:
    decision = understanding.decide(message)
    assert isinstance(decision, Answer), decision
    assert decision.entry_id == entry
