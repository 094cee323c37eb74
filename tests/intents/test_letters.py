"""Long messages: a grievance written as a letter, a run-on question, a letter about someone
else's affairs."""

from __future__ import annotations

from intents.decision import Answer, Intent
from intents.understand import Understanding


def test_a_written_grievance_goes_to_the_petition_entry(understanding: Understanding) -> None:
    letter = (
        "尊敬的领导：我是一名1979年入伍的老兵，退伍后回乡务农。当年的安置问题我多次向乡里、县里"
        "反映，至今没有解决，村里推给乡里，乡里推给县里。恳请领导重视，落实我们应有的待遇。"
    )
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
