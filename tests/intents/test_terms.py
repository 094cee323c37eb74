"""Key terms: the longest found, what they contain, and which classes explain or own them."""

from __future__ import annotations

import numpy as np

from intents.terms import Explainers, TermTable


def _table() -> TermTable:
    return TermTable(
        topic_words=["服务站", "优待证", "社保"],
        concepts={"坐车": "transport", "乘车": "transport"},
        offices={
            "养老服务站": "civil_affairs",
            "社保缴费": "social_insurance",
            "12345": "hotlines",
        },
        anchors=["优待证"],
        ignore=["怎么"],
        people=["退役军人"],
    )


def test_the_longest_term_wins_and_keeps_what_it_contains() -> None:
    found = _table().find("养老服务站在哪里")
    assert [f.term.text for f in found] == ["养老服务站"]
    assert found[0].term.office == "civil_affairs"
    assert [i.term.text for i in found[0].inner] == ["服务站"]


def test_people_anchors_and_digits() -> None:
    table = _table()
    found = {f.term.text: f.term for f in table.find("退役军人打12345问优待证怎么办")}
    assert found["退役军人"].person and found["退役军人"].anchor
    assert found["优待证"].anchor and not found["优待证"].person
    assert found["12345"].office == "hotlines"
    assert "怎么" not in found


def test_explains_by_concept_and_owns_by_keywords() -> None:
    table = _table()
    texts = ["乘车免费吗", "服务站地址"]
    explainers = Explainers(
        table,
        2,
        texts,
        np.array([0, 1]),
        owned_texts=["服务站"],
        owned_class=np.array([1]),
    )
    coach = table.find("坐车")
    assert explainers.explains(0, coach) == [True]  # 乘车 explains 坐车: one concept
    assert explainers.explains(1, coach) == [False]
    station = table.find("服务站")
    assert explainers.owns(1, station) == [True]
    assert explainers.owns(0, station) == [False]


def test_many_texts_at_once_equal_one_by_one() -> None:
    table = _table()
    owners, ids, starts = table.find_many(["养老服务站", "", "社保缴费和优待证"])
    one_by_one = {
        (n, t.id, t.start)
        for n, text in enumerate(["养老服务站", "", "社保缴费和优待证"])
        for t in table.find(text)
    }
    assert one_by_one <= set(zip(owners.tolist(), ids.tolist(), starts.tolist(), strict=True))


def test_a_two_character_term_half_inside_a_longer_one_is_dropped() -> None:
    table = TermTable(
        topic_words=["坐飞机", "机要", "事业单位退休", "退休人员"],
        concepts={},
        offices={},
        anchors=[],
    )
    assert [f.term.text for f in table.find("坐飞机要带什么")] == ["坐飞机"]
    # Longer terms sharing characters are both meant.
    assert [f.term.text for f in table.find("事业单位退休人员")] == ["事业单位退休", "退休人员"]


def test_relatives_say_who_not_what() -> None:
    table = TermTable(
        topic_words=["上户口"], concepts={}, offices={}, anchors=[], relatives=["孙子"]
    )
    found = {f.term.text: f.term for f in table.find("孙子上户口")}
    assert found["孙子"].person and found["孙子"].relative and not found["孙子"].anchor
    assert not found["上户口"].relative
