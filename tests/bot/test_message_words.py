"""The words users may type (`words:` in the catalogues): the same lists in every language, and
every word accepted before they moved there still accepted."""

from __future__ import annotations

from typing import get_args

import pytest

from bot.messages import LANGUAGES, Word, catalogue

# The word lists as the code had them before they moved to the catalogue.
BEFORE: dict[Word, set[str]] = {
    "menu": {"0", "菜单", "主菜单", "目录", "/start", "/menu", "menu", "main menu"},
    "cancel": {"取消", "退出", "/cancel", "cancel", "quit"},
    "back": {"上一步", "返回", "后退", "返回上一步", "back", "/back", "go back"},
    "link": {
        *("关联", "关联账号", "关联帐号", "账号关联", "帐号关联", "绑定账号"),
        *("關聯", "關聯賬號", "關聯帳號", "賬號關聯", "帳號關聯"),
        *("link", "/link", "link account", "link accounts"),
    },
    "agree": {"同意", "是", "是的", "好", "好的", "可以", "行", "yes", "y", "ok", "agree"},
    "refuse": {"不同意", "不", "否", "不要", "不行", "算了", "no", "n", "disagree"},
    "confirm": {
        *("确认", "提交", "确认提交", "确定", "是", "对", "yes", "ok", "confirm", "submit"),
        *("好", "好的", "可以"),  # the booking's "yes"
    },
    "skip": {"跳过", "略过", "无", "没有", "skip", "none", "-"},
    "fix": {"修改", "改", "更正", "fix", "change", "edit"},
}


def test_every_language_has_every_list() -> None:
    words = catalogue().words
    for lang in LANGUAGES:
        assert set(words[lang]) == set(get_args(Word)), lang


def test_every_word_is_text() -> None:
    """A bare yes or no in YAML is a boolean: it would turn into "True"."""
    for lists in catalogue().words.values():
        for typed in lists.values():
            assert not {"True", "False"} & set(typed)


@pytest.mark.parametrize(("word", "typed"), [(w, t) for w, ts in BEFORE.items() for t in ts])
def test_every_word_accepted_before_still_is(word: Word, typed: str) -> None:
    assert catalogue().means(typed, word)


@pytest.mark.parametrize("typed", ["ＯＫ", " 菜单。", "Main Menu!", "返回！", "确认 。"])
def test_words_are_compared_width_folded_trimmed_and_lower_case(typed: str) -> None:
    assert catalogue().means(typed, "agree", "menu", "back", "confirm")


def test_other_text_is_no_word() -> None:
    assert not catalogue().means("我同意这个说法吗", "agree")
    assert not catalogue().means(None, "agree")
    assert not catalogue().means("", "menu")
