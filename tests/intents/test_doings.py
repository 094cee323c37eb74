"""Other offices' business: a thing and a doing in one clause, and which classes pair them."""

from __future__ import annotations

import numpy as np

from intents.doings import Doings


def _doings() -> Doings:
    texts = ["残疾军人看病怎么报销", "退伍后养老保险怎么接续", "社保"]
    table = {
        "medical_insurance": (["看病", "住院"], [["报销", "能报"], ["补交", "补缴"]]),
        "social_insurance": (["养老保险", "社保"], [["补交", "补缴"]]),
    }
    return Doings(table, texts, np.array([0, 1, 3]))


def test_a_thing_and_a_doing_in_one_clause_are_another_offices_business() -> None:
    doings = _doings()
    [found] = doings.find("家属看病报销")
    assert (found.domain, found.thing, found.doing, found.text) == (
        "medical_insurance",
        "看病",
        "报销",
        "看病报销",
    )
    assert not doings.find("看病有优待吗")
    # A clause with a doing and no thing is about the thing of the clause before it, not of
    # clauses further back.
    [borrowed] = doings.find("养老保险断了 现在能补缴吗")
    assert (borrowed.thing, borrowed.doing, borrowed.start) == ("养老保险", "补缴", 0)
    assert not doings.find("养老保险断了 好几年 现在能补缴吗")


def test_a_class_explains_a_doing_only_by_pairing_it_in_one_phrasing() -> None:
    doings = _doings()
    [medical] = doings.find("老兵住院能报销吗")
    [arrears] = doings.find("养老保险补交")
    assert doings.explains(0, medical)  # 看病 ... 报销: 住院 is a thing of the same office
    assert not doings.explains(1, arrears)  # speaks of 养老保险, never of paying arrears
