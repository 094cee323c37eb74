"""Run-on letters written for issue #13 (not from any evaluation set): the one thing a long
message without punctuation asks, among its chatter, is what gets answered; a letter that is fed
up (一直没有到账, 问了好多次) but asks a question gets the answer it asks for."""

from __future__ import annotations

import pytest

from intents.evaluate import label
from intents.understand import Understanding

LETTERS = [
    (
        "你好我是一个退伍老兵今年六十三了家在农村一直种地两个孩子都在外面打工老伴身体也不好前几天听村里人说像我们这种农村的老兵过了六十岁每个月有补贴我想问问要去哪里申请要带什么东西",
        ("preferential.elderly_rural_subsidy",),
    ),
    (
        "我爷爷是抗美援朝回来的老兵前些年村里给他办过一个证每个月有几百块钱今年突然就停了打电话问说是要年审我们也不知道去哪里审爷爷腿脚不方便能不能上门办",
        ("preferential.combat_nuclear",),
    ),
    (
        "我是2019年退伍的当时选了自主就业退役金拿了但是地方上说好的那个一次性经济补助一直没有到账问了好多次都说在走流程我想知道这个钱到底是多少什么时候能发下来",
        ("resettlement.self_employment",),
    ),
    (
        "我今年刚退伍回来不知道要先去哪里报到听战友说超过三十天就不给安置了我现在在外地打工一时回不去能不能让家里人先去帮我报到要带哪些材料",
        ("resettlement.report",),
    ),
    (
        "我父亲去年去世了他是二等乙级残疾军人生前一直领抚恤金现在家里人想问一下他走了以后抚恤金是不是就停了还有没有什么丧葬方面的补助我们应该去哪里办手续",
        ("preferential.pension_subsidy",),
    ),
    (
        "我是退伍军人现在想自己开个农家乐听说退役军人创业有贷款还有贴息但是我问了银行他们说不知道这个政策想问一下到底找哪个部门申请能贷多少",
        ("employment.startup_loan",),
    ),
    (
        "我哥哥当年在部队牺牲了被评为烈士家里一直挂着光荣牌我妈妈今年八十多了身体不好听说烈士的父母每个月有抚恤金我们以前不知道也没人通知想问现在还能不能申请",
        ("preferential.martyr_family",),
    ),
    (
        "退伍这么多年了我一直在外地打工档案当年是自己带回来的后来搬家弄丢了现在想办优待证说要档案里的材料我该怎么办能不能补",
        ("resettlement.archives", "preferential.card"),
    ),
    (
        "我老公当兵的时候是在新疆马兰那边好像参加过核试验的任务回来以后身体一直不好现在五十多岁了听说有涉核人员的补助不知道他算不算要怎么证明",
        ("preferential.combat_nuclear",),
    ),
]


@pytest.mark.parametrize(("text", "expect"), LETTERS)
def test_a_run_on_letter_gets_what_it_asks(
    understanding: Understanding, text: str, expect: tuple[str, ...]
) -> None:
    assert label(understanding.decide(text)) in expect
