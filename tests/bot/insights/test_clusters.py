"""Questions of the same need fall into one cluster — paraphrases, synonyms, a typo, pinyin —
and different needs stay apart; the inbox sorts clusters by size and hides marked ones until a
new question joins them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.conversation.knowledge import Knowledge
from bot.insights import inbox
from bot.insights.clusters import group
from storage.repositories.feedback import Missed

BUS = [
    "退役军人坐公交免费吗",
    "退伍军人乘公交车要钱吗",  # 退伍 folds to 退役 (synonyms.yaml)
    "老兵坐公交车免不免费",
    "退役军人坐公交免废吗",  # a typo that sounds the same
    "退役军人坐公交要不要钱",
]
SCHOOL = ["退役军人子女中考有加分吗", "军人子女高考加分政策"]
BIKE = ["电动车上牌在哪里办", "我家电动车怎么上牌照"]
PARK = ["老兵逛公园要门票吗"]


def _grouped(texts: list[str], knowledge: Knowledge) -> list[set[str]]:
    return [{texts[i] for i in g} for g in group(texts, knowledge.understanding).groups]


def test_paraphrases_and_typos_of_one_need_are_one_cluster(knowledge: Knowledge) -> None:
    texts = [*BUS, *SCHOOL, *BIKE, *PARK]
    found = _grouped(texts, knowledge)
    assert found[0] == set(BUS)  # the largest first
    assert set(SCHOOL) in found and set(BIKE) in found and set(PARK) in found
    assert len(found) == 4


def test_pinyin_typed_for_characters_joins_the_characters(knowledge: Knowledge) -> None:
    found = _grouped([*BUS, "zuo gongjiao mianfei ma", *BIKE], knowledge)
    assert {*BUS, "zuo gongjiao mianfei ma"} in found


def test_different_needs_with_the_same_words_stay_apart(knowledge: Knowledge) -> None:
    found = _grouped(["退役军人坐公交免费吗", "退役军人可以免费进景区吗"], knowledge)
    assert len(found) == 2


def test_traditional_characters_and_full_width_are_the_same_question(
    knowledge: Knowledge,
) -> None:
    found = _grouped(
        ["退役軍人坐公交免費嗎", "退役军人坐公交免费吗？", "电动车上牌在哪里办"], knowledge
    )
    assert {"退役軍人坐公交免費嗎", "退役军人坐公交免费吗？"} in found


def _missed(number: int, question: str, *, mark: str = "", hours: int = 0) -> Missed:
    at = datetime(2026, 12, 1, 2, tzinfo=UTC) + timedelta(hours=hours)
    candidates = (("preferential.card", 0.3), ("service.stations", 0.2))
    return Missed(number, "fallback", question, "zh", candidates, None, "", "county", "v", mark, at)  # type: ignore[arg-type]


def test_a_cluster_shows_size_examples_first_and_last_seen_and_considered(
    knowledge: Knowledge,
) -> None:
    rows = [_missed(10 - n, q, hours=-n) for n, q in enumerate([*BUS, BUS[0], *BIKE])]
    found = inbox.build(rows, knowledge.understanding)
    bus = found[0]
    assert bus.size == 6 and bus.new == 6 and bus.mark == ""
    assert len(bus.examples) == 5  # the same question twice is one example
    assert bus.first_seen < bus.last_seen
    assert bus.considered[0].entry_id == "preferential.card"
    assert bus.considered[0].count == 6 and bus.considered[0].score == pytest.approx(0.3)
    assert [c.size for c in found] == sorted((c.size for c in found), reverse=True)


def test_a_marked_cluster_is_hidden_until_a_new_question_joins_it(knowledge: Knowledge) -> None:
    rows = [_missed(n + 1, q, mark="done") for n, q in enumerate(BUS)]
    [bus] = inbox.build(rows, knowledge.understanding)
    assert bus.mark == "done" and bus.new == 0
    rows.insert(0, _missed(99, "老兵坐公交要花钱吗", hours=5))
    [bus] = inbox.build(rows, knowledge.understanding)
    assert bus.mark == "" and bus.new == 1 and bus.size == 6


def test_weeks_are_iso_weeks_in_county_time() -> None:
    period = inbox.week("2026-W49")
    assert period.since is not None and period.until is not None
    assert period.since.isoformat() == "2026-11-30T00:00:00+08:00"
    assert period.until - period.since == timedelta(days=7)
    with pytest.raises(inbox.BadWeek):
        inbox.week("2026-49")
    assert inbox.week_of(datetime(2026, 11, 29, 17, tzinfo=UTC)) == "2026-W49"  # Monday 01:00 there
