"""The shared rendering helpers: splitting long text, numbered options, button data."""

from __future__ import annotations

import pytest

from bot.channels.render import (
    button_data,
    numbered_options,
    picked_option,
    split_text,
    utf8_length,
    utf16_length,
    with_numbered_options,
)
from bot.conversation.types import Option


def test_text_within_the_limit_is_one_chunk() -> None:
    assert split_text("  优待证在乡镇服务站办理。 ", 100) == ["优待证在乡镇服务站办理。"]


def test_blank_text_gives_no_chunks() -> None:
    assert split_text(" \n ", 10) == []


def test_a_paragraph_break_is_preferred() -> None:
    text = "第一段第一句。第一段第二句。\n\n第二段。"
    assert split_text(text, 18) == ["第一段第一句。第一段第二句。", "第二段。"]


def test_a_line_break_comes_before_a_sentence_end() -> None:
    text = "一、带上身份证。带上退役证。\n二、到乡镇服务站。"
    assert split_text(text, 20) == ["一、带上身份证。带上退役证。", "二、到乡镇服务站。"]


def test_chinese_sentence_ends_keep_their_punctuation_and_quotes() -> None:
    text = "他说：“可以办理！”然后去了服务站？是的。"
    assert split_text(text, 12) == ["他说：“可以办理！”", "然后去了服务站？是的。"]


def test_a_boundary_too_early_in_the_window_is_not_used() -> None:
    text = "好。" + "甲" * 30
    chunks = split_text(text, 20)
    assert chunks[0] == "好。" + "甲" * 18
    assert "".join(chunks) == text


def test_text_without_boundaries_is_cut_at_the_limit() -> None:
    text = "字" * 25
    assert split_text(text, 10) == ["字" * 10, "字" * 10, "字" * 5]


def test_every_chunk_fits_when_measured_in_bytes() -> None:
    text = ("退役军人优待证申领条件说明。" * 40 + "\n") * 5
    chunks = split_text(text, 2048, measure=utf8_length)
    assert all(utf8_length(chunk) <= 2048 for chunk in chunks)
    assert "".join(chunks) == text.replace("\n", "").strip()


def test_emoji_count_twice_for_telegram() -> None:
    assert utf16_length("📱a") == 3
    chunks = split_text("📱" * 5, 4, measure=utf16_length)
    assert chunks == ["📱📱", "📱📱", "📱"]


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        split_text("x", 0)


MENU = (Option("优待证办理", "kb:preferential.card"), Option("找工作人员", "handoff"))


def test_options_render_as_numbered_lines() -> None:
    assert numbered_options(MENU) == "回复 1 优待证办理\n回复 2 找工作人员"
    assert with_numbered_options("请选择：", MENU) == (
        "请选择：\n\n回复 1 优待证办理\n回复 2 找工作人员"
    )
    assert with_numbered_options("没有选项。", ()) == "没有选项。"


def test_a_payload_that_fits_is_its_own_button_data() -> None:
    assert button_data("kb:preferential.card", 64) == "kb:preferential.card"


@pytest.mark.parametrize("payload", ["流程:" + "很长" * 20, "", "#looks-like-a-token"])
def test_other_payloads_become_a_short_deterministic_token(payload: str) -> None:
    token = button_data(payload, 64)
    assert token.startswith("#")
    assert len(token.encode()) == 23
    assert token == button_data(payload, 64)
    assert picked_option(token, [Option("甲", "other"), Option("乙", payload)]) == Option(
        "乙", payload
    )


def test_a_button_from_an_older_menu_picks_nothing() -> None:
    assert picked_option("kb:preferential.card", MENU) == MENU[0]
    assert picked_option("kb:something.else", MENU) is None
    assert picked_option(button_data("x" * 80, 64), MENU) is None
