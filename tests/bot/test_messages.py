"""The message catalogues: same keys and placeholders in every language, every key used exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.messages import LANGUAGES, Catalogue, catalogue
from tests.paths import REPO

BOT = REPO / "bot"
# Catalogue keys written literally in the code: text("…"), option("…", …), messages.text(lang, "…")
_USED = re.compile(r"""(?:\.text|\.option)\((?:[a-z_]+, )?"([a-z_]+\.[a-z_.]+|[a-z_]+)"[,)]""")


def test_every_language_has_the_same_keys() -> None:
    texts = catalogue().texts
    for lang in LANGUAGES:
        assert set(texts[lang]) == set(texts["zh"]), lang


def test_every_language_has_the_same_placeholders() -> None:
    shipped = catalogue()
    for key in shipped.texts["zh"]:
        for lang in LANGUAGES:
            assert shipped.placeholders(lang, key) == shipped.placeholders("zh", key), (lang, key)


def test_every_key_the_code_uses_exists() -> None:
    used = set()
    for path in BOT.rglob("*.py"):
        used |= set(_USED.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 30, "the pattern no longer finds the keys the code uses"
    missing = sorted(used - set(catalogue().texts["zh"]))
    assert missing == []


def test_a_missing_key_names_the_file_to_add_it_to() -> None:
    with pytest.raises(KeyError, match=r"bot/messages/en\.yaml"):
        catalogue().text("en", "no.such.message")


def test_unknown_language_falls_back_to_chinese() -> None:
    assert Catalogue.load().text("fr", "cancel.done") == "已取消。"


def _catalogue_files(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_an_area_file_is_merged_into_its_language(tmp_path: Path) -> None:
    folder = _catalogue_files(
        tmp_path,
        {
            "zh.yaml": "menu:\n  title: 菜单\n",
            "en.yaml": "menu:\n  title: Menu\n",
            "guide.zh.yaml": "guide:\n  start: 开始\nmenu:\n  more: 更多\n",
            "guide.en.yaml": "guide:\n  start: Start\nmenu:\n  more: More\n",
        },
    )
    loaded = Catalogue.load(folder)
    assert loaded.text("zh", "guide.start") == "开始"
    assert loaded.text("en", "menu.title") == "Menu"
    assert loaded.text("zh", "menu.more") == "更多"


def test_a_name_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    folder = _catalogue_files(
        tmp_path,
        {
            "zh.yaml": "menu:\n  title: 菜单\n",
            "en.yaml": "menu:\n  title: Menu\n",
            "more.zh.yaml": "menu:\n  title: 别的\n",
        },
    )
    with pytest.raises(ValueError, match=r"more\.zh\.yaml: 'menu\.title' is already defined"):
        Catalogue.load(folder)
