"""Masking ID numbers and phones however they are typed (bug: only digits in a row were
masked, so `430626 19750505 4321` and `138-1234-5678` stayed whole in logs and for staff)."""

from __future__ import annotations

import pytest

from bot.privacy.masking import mask, mask_digits, mask_id_numbers
from tests.bot.privacy.typed import digits, full_width

ID = "430626197505054321"
ID_X = "43062619750505432X"
PHONE = "13812345678"


IDS = [
    ID,
    "430626 19750505 4321",
    "430626-19750505-4321",
    "4306.2619.7505.0543.21",
    "4306 2619 7505 0543 21",
    "4 3 0 6 2 6 1 9 7 5 0 5 0 5 4 3 2 1",
    "430626–19750505–4321",  # en dashes, as a phone keyboard's autocorrect makes them
    full_width(ID),
    full_width("430626 19750505 4321"),
    "４３０６２６ 1975-0505 ４３２１",  # mixed widths and separators
    "43062619750505432x",
    "43062619750505432X",
    "430626 19750505 432 x",
    full_width(ID_X),
    "43062619750505432×",  # the multiplication sign some type for X
    "我的身份证是430626 19750505 4321，请查一下",
    "身份证号：４３０６２６－１９７５０５０５－４３２１。",
    "ID 430626-19750505-4321 thanks",
    "430626750505432",  # a 15-digit ID from before 1999
    "430626 750505 432",
    "4306261975050543",  # one typed a digit short
]


@pytest.mark.parametrize("typed", IDS)
def test_an_id_number_is_masked_however_it_is_typed(typed: str) -> None:
    masked = mask(typed)
    assert len(digits(masked)) <= 8, masked  # at most the region and the last four
    assert digits(masked)[:4] == "4306" and "*" in masked
    assert mask_id_numbers(typed) == masked  # the log at rest keeps no ID number either


PHONES = [
    PHONE,
    "138-1234-5678",
    "138 1234 5678",
    "138.1234.5678",
    "1 3 8 1 2 3 4 5 6 7 8",
    "+86 138 1234 5678",
    "+86-138-1234-5678",
    "+8613812345678",
    "8613812345678",
    "0086 138 1234 5678",
    full_width(PHONE),
    full_width("138 1234 5678"),
    "１３８-1234-５６７８",
    "138\u30001234\u30005678",  # ideographic spaces
    "一三八一二三四五六七八",  # as voice input writes it
    "电话：138-1234-5678，晚上打",
    "call me on +86 138 1234 5678 please",
]


@pytest.mark.parametrize("typed", PHONES)
def test_a_mobile_number_is_masked_however_it_is_typed(typed: str) -> None:
    masked = mask(typed)
    assert "12345678" not in digits(masked) and "1234" not in digits(masked), masked
    assert "****" in masked and digits(masked).endswith("5678")


def test_the_rest_of_the_message_stays_as_typed() -> None:
    assert mask("电话：１３８-1234-5678，晚上打！") == "电话：138****5678，晚上打！"
    assert mask("身份证430626 19750505 432x。") == "身份证4306**********432X。"
    assert mask("+86 138 1234 5678") == "+86 138****5678"


@pytest.mark.parametrize(
    "text",
    ["预约12月1日上午", "编号 PJ-2026-000123", "2026年9月18日", "第3站", "工号 12345", "1234567"],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert mask(text) == text


def test_a_refused_answer_keeps_no_digit_and_its_own_punctuation() -> None:
    assert mask_digits("身份证４３０６２６－１９７５，谢谢") == "身份证******－****，谢谢"
