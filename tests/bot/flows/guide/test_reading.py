"""Typed answers to guide questions: numbers, dates and answers named by their words."""

from __future__ import annotations

from datetime import date

import pytest

from bot.flows.guide.reading import Read, Unread, date_in, number_in, read_choice, read_date
from policies.guides import Answer, Question
from policies.schema import Text

TODAY = date(2026, 9, 18)


def question(kind: str, *answers: Answer) -> Question:
    return Question(id="q", kind=kind, text=Text(zh="问", en="Q"), answers=list(answers))


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12", 12),
        ("１２年", 12),
        ("服役12年", 12),
        ("十二年", 12),
        ("八年", 8),
        ("两年", 2),
        ("二十", 20),
        ("二十三年", 23),
        ("5级", 5),
        ("六级", 6),
        ("十", 10),
    ],
)
def test_numbers_are_read_in_digits_or_chinese(typed: str, number: int) -> None:
    assert number_in(typed) == number


def test_text_without_a_number_has_none() -> None:
    assert number_in("很多年") is None


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026年9月1日", date(2026, 9, 1)),
        ("2026-07-01", date(2026, 7, 1)),
        ("2026年7月", date(2026, 7, 1)),
        ("2020年", date(2020, 1, 1)),
        ("今天", TODAY),
    ],
)
def test_dates_whole_or_by_month_or_year(typed: str, day: date) -> None:
    assert date_in(typed, TODAY) == day


def test_a_date_falls_in_its_range_counted_back_from_today() -> None:
    asked = question(
        "date",
        Answer(zh="30天内", en="30 days", next="a", days_min=0, days_max=30),
        Answer(zh="更早", en="earlier", next="b", days_min=31),
    )
    assert read_date(asked, "2026年9月1日", TODAY) == Read(0, "2026-09-01")
    assert read_date(asked, "2026年8月1日", TODAY) == Read(1, "2026-08-01")
    assert read_date(asked, "2026年10月1日", TODAY) == Unread("guide.invalid.date_future")
    assert read_date(asked, "下个月", TODAY) == Unread("guide.invalid.date")


def test_the_longest_answer_named_wins() -> None:
    asked = question(
        "choice",
        Answer(zh="二等功", en="second-class merit", next="a"),
        Answer(zh="三等功", en="third-class merit", next="b"),
        Answer(zh="三等功以上", en="above", next="c"),
    )
    assert read_choice(asked, "我立过三等功以上") == Read(2)
    assert read_choice(asked, "Second-class merit") == Read(0)
    assert read_choice(asked, "没有") == Unread("guide.invalid.choice")
