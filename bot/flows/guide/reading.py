"""Typed answers to a guide's questions: the answer they fall in, or why none.

Pure functions of (question, text, today), so each rule is tested on its own. Picking an answer
by its number is the route's and the flow's business; these read what was written instead:
the answer's words, yes or no, a number with its unit ("12年", "5级"), or a date.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from bot.flows.request.fields import parse_date
from policies.guides import Question

_NUMBER = re.compile(r"(\d{1,3})")
_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_CHINESE_NUMBER = re.compile(
    r"([一二两三四五六七八九]?十[一二三四五六七八九]?|[零一二两三四五六七八九])"
)
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")


@dataclass(frozen=True, slots=True)
class Read:
    pick: int  # the answer's number, from 0
    typed: str = ""  # the value as the summary shows it (a number, a date), "" for a choice


@dataclass(frozen=True, slots=True)
class Unread:
    reason: str  # catalogue key under guide.invalid


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().strip("。.，,！!？?").lower()


def read_choice(question: Question, text: str) -> Read | Unread:
    """An answer named by its words, in either language: the whole label, or a label that
    the text contains (the longest wins, so 三等功 does not pick 二等功)."""
    typed = fold(text)
    labels = [(fold(a.zh), fold(a.en)) for a in question.answers]
    for index, names in enumerate(labels):
        if typed in names:
            return Read(index)
    inside = [
        (len(name), index) for index, names in enumerate(labels) for name in names if name in typed
    ]
    return Read(max(inside)[1]) if inside else Unread("guide.invalid.choice")


def number_in(text: str) -> int | None:
    """The number written in `text`: digits (12, １２) or Chinese (十二, 两, 五)."""
    typed = fold(text)
    found = _NUMBER.search(typed)
    if found:
        return int(found[1])
    chinese = _CHINESE_NUMBER.search(typed)
    if chinese is None:
        return None
    word = chinese[1]
    if "十" not in word:
        return _CHINESE_DIGITS[word]
    tens, _, ones = word.partition("十")
    return _CHINESE_DIGITS.get(tens, 1) * 10 + (_CHINESE_DIGITS[ones] if ones else 0)


def read_number(question: Question, text: str) -> Read | Unread:
    number = number_in(text)
    if number is None:
        return Unread("guide.invalid.number")
    for index, answer in enumerate(question.answers):
        if answer.holds_number(number):
            return Read(index, str(number))
    return Unread("guide.invalid.number_range")


def date_in(text: str, today: date) -> date | None:
    """A day written as the request forms take it, or a month or year alone (its first day)."""
    parsed = parse_date(text, today)
    if isinstance(parsed, date):
        return parsed
    typed = fold(text)
    if found := _YEAR_MONTH.match(typed):
        year, month = int(found[1]), int(found[2])
        return date(year, month, 1) if 1 <= month <= 12 else None
    if found := _YEAR.match(typed):
        return date(int(found[1]), 1, 1)
    return None


def read_date(question: Question, text: str, today: date) -> Read | Unread:
    day = date_in(text, today)
    if day is None:
        return Unread("guide.invalid.date")
    if day > today:
        return Unread("guide.invalid.date_future")
    for index, answer in enumerate(question.answers):
        if answer.holds_date(day, today):
            return Read(index, day.isoformat())
    return Unread("guide.invalid.date_range")
