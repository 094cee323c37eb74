"""Every rule of the form fields: phones, ID numbers (check digit, birth date), dates, choices."""

from __future__ import annotations

from datetime import date

import pytest

from bot.flows.request.fields import (
    Invalid,
    Valid,
    check,
    check_date,
    check_id_number,
    check_phone,
    check_text,
    find_station,
    id_check_digit,
    parse_date,
)
from policies.loader import KnowledgeBase, load
from policies.schema import FormField, Text
from tests.paths import FIXTURE_KB

TODAY = date(2026, 9, 18)
FIXTURE = FIXTURE_KB


def id_number(first17: str) -> str:
    return first17 + id_check_digit(first17)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(FIXTURE)


# Phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese keyboard
        ("19912345678", "19912345678"),
    ],
)
def test_mobile_numbers_accepted(typed: str, value: str) -> None:
    assert check_phone(typed) == Valid(value)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1381234567", "form.invalid.phone_length"),  # 10 digits
        ("138123456789", "form.invalid.phone_length"),  # 12 digits
        ("12812345678", "form.invalid.phone"),  # second digit must be 3-9
        ("23812345678", "form.invalid.phone"),  # must start with 1
        ("0730-1234567", "form.invalid.phone"),  # a landline is not a mobile
        ("138abcd5678", "form.invalid.phone"),
        ("我的电话", "form.invalid.phone"),
    ],
)
def test_bad_mobile_numbers_say_why(typed: str, reason: str) -> None:
    result = check_phone(typed)
    assert isinstance(result, Invalid) and result.reason == reason


def test_phone_length_refusal_counts_the_digits() -> None:
    assert check_phone("1381234567") == Invalid("form.invalid.phone_length", {"count": 10})


# ID numbers -----------------------------------------------------------------------------


def test_check_digit_follows_gb_11643() -> None:
    # Worked examples from the standard and its commentaries.
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44052418800101001") == "4"


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002X",
        "11010519491231002x",  # lower-case x
        "110105 19491231 002X",  # grouped with spaces
        "１１０１０５１９４９１２３１００２Ｘ",  # full width
    ],
)
def test_valid_id_numbers_are_normalised(typed: str) -> None:
    assert check_id_number(typed, TODAY) == Valid("11010519491231002X")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1101051949123100", "form.invalid.id_length"),
        ("11010519491231002X1", "form.invalid.id_length"),
        ("1101051949123100XX", "form.invalid.id_characters"),  # X only last
        ("11010519491231002Y", "form.invalid.id_characters"),
        ("11010519491231002A", "form.invalid.id_characters"),
        ("110105194912310021", "form.invalid.id_check"),  # one character off
        ("11010519491231003X", "form.invalid.id_check"),
    ],
)
def test_bad_id_numbers_say_why(typed: str, reason: str) -> None:
    result = check_id_number(typed, TODAY)
    assert isinstance(result, Invalid) and result.reason == reason


@pytest.mark.parametrize(
    "birth",
    [
        "19900230",  # 30 February
        "19901301",  # month 13
        "19900001",  # month 0
        "18991231",  # before 1900
        "20260919",  # tomorrow: not born yet
        "20300101",
    ],
)
def test_id_numbers_need_a_real_birth_date_not_in_the_future(birth: str) -> None:
    # A correct check digit, so only the birth date can be what is refused.
    result = check_id_number(id_number(f"430626{birth}123"), TODAY)
    assert result == Invalid("form.invalid.id_birth", {"birth": birth})


def test_born_today_is_accepted() -> None:
    assert isinstance(check_id_number(id_number("43062620260918123"), TODAY), Valid)


# Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/1", date(2026, 12, 1)),
        ("2026.12.01", date(2026, 12, 1)),
        ("2026年12月1日", date(2026, 12, 1)),
        ("2026年12月1号", date(2026, 12, 1)),
        ("20261201", date(2026, 12, 1)),
        ("12月1日", date(2026, 12, 1)),  # this year
        ("12-1", date(2026, 12, 1)),
        ("２０２６－１２－０１", date(2026, 12, 1)),
    ],
)
def test_dates_in_the_ways_people_write_them(typed: str, day: date) -> None:
    assert parse_date(typed, TODAY) == day


@pytest.mark.parametrize("typed", ["2026-02-30", "2月30日", "2026-13-01", "20260230"])
def test_impossible_dates_are_named(typed: str) -> None:
    result = check_date(typed, TODAY)
    assert isinstance(result, Invalid) and result.reason == "form.invalid.date_unreal"


@pytest.mark.parametrize("typed", ["明年", "下下周三", "12/2026", "2026-12", ""])
def test_text_that_is_not_a_date(typed: str) -> None:
    assert check_date(typed, TODAY) == Invalid("form.invalid.date")


def test_date_ranges() -> None:
    assert check_date("2026-09-17", TODAY, "future") == Invalid("form.invalid.date_past")
    assert check_date("2026-09-18", TODAY, "future") == Valid("2026-09-18")  # today is fine
    assert check_date("2026-09-19", TODAY, "past") == Invalid("form.invalid.date_future")
    assert check_date("1990-05-01", TODAY, "past") == Valid("1990-05-01")
    assert check_date("1850-01-01", TODAY).reason == "form.invalid.date_unreal"  # type: ignore[union-attr]
    assert check_date("2099-01-01", TODAY).reason == "form.invalid.date_unreal"  # type: ignore[union-attr]


# Text, choices, stations ----------------------------------------------------------------


def test_text_must_be_there_and_short_enough() -> None:
    assert check_text("  张三  ") == Valid("张三")
    assert check_text("   ") == Invalid("form.invalid.text_empty")
    assert check_text("字" * 501) == Invalid("form.invalid.text_long", {"limit": 500})


def test_a_choice_can_be_typed_in_either_language(kb: KnowledgeBase) -> None:
    field = FormField(
        name="purpose",
        type="choice",
        prompt=Text(zh="哪一项？", en="Which?"),
        choices=[Text(zh="首次申请", en="First application"), Text(zh="查询进度", en="Progress")],
    )
    assert check(field, "查询进度", TODAY, kb) == Valid("1")
    assert check(field, "first application", TODAY, kb) == Valid("0")
    assert check(field, "别的", TODAY, kb) == Invalid("form.invalid.choice")


def test_stations_by_name_or_alias(kb: KnowledgeBase) -> None:
    field = FormField(name="s", type="station", prompt=Text(zh="哪个？", en="Which?"))
    assert check(field, "童市镇", TODAY, kb) == Valid("tongshi")
    assert check(field, "县服务中心", TODAY, kb) == Valid("county")
    assert check(field, "火星", TODAY, kb) == Invalid("form.invalid.station")
    county = find_station(kb, "县服务中心", county=False)
    assert county is None
