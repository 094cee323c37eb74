"""Second round on being less confidently wrong (issue #13): people who must reach a person in
everyday words the listed phrases miss (an intensifier, a place people jump from, asking for
someone by what they do), and other offices' subjects named by a document's field (户口本上的名字)
or a service (手机套餐) declined even where a dialogue command or our entry shares a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.decision import Intent
from intents.evaluate import evaluate, label, load_cases
from intents.examples import HUMAN, OUT_OF_SCOPE
from intents.understand import Understanding

NEEDS_A_PERSON = [
    # Distress said softly, or by where the writer stands.
    "我站在楼顶上了",
    "活着真没意思，想走了",
    "我不想再拖累家里人了，准备走了",
    # Anger by an intensifier or a dare, not a listed phrase.
    "我这火气压不住了，今天必须给我办",
    "气的我饭都吃不下",
    "我真的很生气，跑了无数趟",
    "再糊弄我试试",
    "材料交了半年了连个回音都没有，你们到底在干嘛",
    "我一把老骨头了，还要被你们这样折腾",
    "一分钱没见到，你们把钱弄哪去了",
    "你们给我记住，这事没完",
    "明天我就去门口喊冤",
    "不给钱我就天天来",
    # Holding the office to account.
    "我儿子要是出了事，你们都跑不了",
    # Asking for someone by what they do.
    "我要见你们主任，马上",
    "帮我叫一下你们办事的人",
    "能不能请个人工帮我看看",
    "我想跟你们当官的面对面谈谈",
]

ORDINARY = [
    "优待证上写的是什么意思",
    "我等了三年才拿到退役金，现在还能补吗",
    "退役军人想走了解一下创业贷款的流程",
    "光荣牌挂在门口有什么讲究",
    "退伍军人的档案放在人社局还是退役军人事务局",
]

NOT_OURS = [
    "老兵户口本上名字错了怎么改",
    "退伍军人身份证上的地址怎么变更",
    "移动的套餐怎么取消",
    "退伍军人家里水管坏了找谁",
]


@pytest.mark.parametrize("text", NEEDS_A_PERSON)
def test_everyday_need_for_a_person_reaches_one(understanding: Understanding, text: str) -> None:
    decision = understanding.decide(text)
    assert isinstance(decision, Intent) and decision.name == HUMAN, decision


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_question_with_close_words_is_not_escalated(
    understanding: Understanding, text: str
) -> None:
    assert label(understanding.decide(text)) != HUMAN


@pytest.mark.parametrize("text", NOT_OURS)
def test_other_office_subject_is_not_answered(understanding: Understanding, text: str) -> None:
    assert label(understanding.decide(text)) in {OUT_OF_SCOPE, "fallback"}


def test_written_wary2_set_is_not_confidently_wrong(understanding: Understanding) -> None:
    """tests/intents/written_wary2.yaml (tuned on): no wrong answer, every @human reached."""
    report = evaluate(understanding, load_cases(Path(__file__).with_name("written_wary2.yaml")))
    assert report.wrong_rate <= 0.01, [label(o.decision) for o in report.outcomes if o.wrong]
    assert report.abstention >= 0.95
    assert report.human_recall == 1.0
    assert report.accuracy >= 0.95
