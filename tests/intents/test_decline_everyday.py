"""Subject-domain abstention on everyday questions written for issue #13 (not from any
evaluation set): questions for other offices that share our words (补办, 证, 补贴, 抚恤金, 户口,
医保) are declined; the same subjects asked about veterans stay ours."""

from __future__ import annotations

import pytest

from intents.decision import Fallback, Intent
from intents.examples import OUT_OF_SCOPE
from intents.understand import Understanding

OTHER_OFFICES = [
    "老公的身份证快过期了能提前换吗",
    "外地身份证在这边能补办吗",
    "小孩出生了怎么报户口",
    "农村户口转城镇户口有什么条件",
    "户口本上的名字写错了怎么改",
    "社保卡怎么激活，在哪个银行",
    "养老保险交满十五年每月能领多少",
    "企业职工退休要办什么手续",
    "医保断了两个月要补交吗",
    "住院了医保能报多少",
    "门诊慢性病怎么申请",
    "公积金怎么提取出来装修房子",
    "驾驶证换证要体检吗",
    "摩托车驾照在哪考",
    "护照丢了怎么补办",
    "去香港的通行证怎么办",
    "电费怎么这么贵，找哪里查",
    "家里没水了打哪个电话",
    "今年的粮食直补发了没有",
    "孩子的助学金什么时候到账",
    "农村低保一个月多少钱",
    "八十岁老人的高龄补贴怎么领",
    "老年人坐公交免费要办什么卡",
    "残疾人补贴多久发一次",
    "工地上受伤了工伤怎么赔",
    "老板不给发工资怎么办",
    "个体户营业执照怎么年报",
    "房子拆迁了补偿款什么时候给",
    "宅基地证丢了怎么补",
    "村干部的补贴怎么算",
    "警察退休有什么待遇",
    "消防员退出后有优待证吗",
    "大学生当村官有补贴吗",
    "征兵报名网站是哪个",
    "独生子女证丢了怎么补办",
    "失业了能领多少失业金",
    "退休工人死亡抚恤金怎么算",
]

OURS = [
    "退伍后户口迁回老家要带什么",
    "退役士兵的养老保险断了几年怎么办",
    "退伍兵的社保军龄怎么算",
    "退役军人的优待证坐公交免费吗",
    "军属看病有什么优惠",
]


def _declined(understanding: Understanding, text: str) -> bool:
    decision = understanding.decide(text)
    return isinstance(decision, Fallback) or (
        isinstance(decision, Intent) and decision.name == OUT_OF_SCOPE
    )


@pytest.mark.parametrize("text", OTHER_OFFICES)
def test_other_offices_question_is_declined(understanding: Understanding, text: str) -> None:
    assert _declined(understanding, text)


@pytest.mark.parametrize("text", OURS)
def test_veterans_side_of_the_subject_is_ours(understanding: Understanding, text: str) -> None:
    assert not _declined(understanding, text)
