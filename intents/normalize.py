"""Normalisation: one canonical form of a message before anything compares it.

NFKC (full width to half width), traditional to simplified, lower case, Chinese numerals to
digits where they count something, masked characters and other places' names removed,
punctuation folded to single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc
import yaml

_T2S = opencc.OpenCC("t2s")
SYNONYMS_FILE = Path(__file__).with_name("synonyms.yaml")
with Path(__file__).with_name("lexicon.yaml").open(encoding="utf-8") as _handle:
    LEXICON: dict[str, str] = yaml.safe_load(_handle)

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# A numeral is converted only where it counts something, so 三等功, 一次性 and 两项待遇 keep their words.
_NUMERAL = re.compile(
    r"[零〇一二两三四五六七八九十百千]+(?=[岁周年月日号天个元块万%])|[零〇一二两三四五六七八九十百千]{2,}"
)
_MASK = re.compile(r"[*＊×xX]{1,3}(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[*＊]{1,3}")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[a-z]")

_PLACES = LEXICON["places"].split()
_PLACE_RE = re.compile(
    "(" + "|".join(sorted(_PLACES, key=len, reverse=True)) + r")(?:省|市|县|区|自治区)?"
)
HOME_PLACES = ("平江", "岳阳", "湖南")


def _load_synonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    """The `fold` table of synonyms.yaml: variant -> canonical (the `concepts` table is read by
    intents.concepts, after normalisation exists)."""
    with SYNONYMS_FILE.open(encoding="utf-8") as handle:
        table: dict[str, list[str]] = (yaml.safe_load(handle) or {}).get("fold") or {}
    variants = {
        str(variant): str(canonical) for canonical, words in table.items() for variant in words
    }
    pattern = re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)))
    # A canonical word is written in its own folded form, so the knowledge base's spelling of
    # it and a variant typed by a user end up the same.
    folded = {v: pattern.sub(lambda m: variants[m.group(0)], c) for v, c in variants.items()}
    return pattern, folded


_SYNONYM_RE, _SYNONYMS = _load_synonyms()
FOLD_VARIANTS = tuple(_SYNONYMS)  # every variant the fold table rewrites, as people type it


def _numeral_value(text: str) -> int:
    total, section, number = 0, 0, 0
    for char in text:
        if char in _DIGITS:
            number = _DIGITS[char]
        elif char == "万":
            total += (section + number) * 10000
            section, number = 0, 0
        else:
            unit = _UNITS[char]
            section += (number or 1) * unit
            number = 0
    return total + section + number


def _numerals(text: str) -> str:
    def convert(match: re.Match[str]) -> str:
        word = match.group(0)
        if all(char in _DIGITS for char in word):  # 一二三 read digit by digit
            return "".join(str(_DIGITS[char]) for char in word)
        return str(_numeral_value(word))

    return _NUMERAL.sub(convert, text)


def _fold_words(text: str) -> str:
    """The steps before place names: width, script, case, masks and synonyms."""
    text = unicodedata.normalize("NFKC", text)
    text = _T2S.convert(text).lower()
    text = _MASK.sub("", text)
    return _SYNONYM_RE.sub(lambda m: _SYNONYMS[m.group(0)], text)


def _placeless(folded: str) -> str:
    """A folded text without other places' names, its numerals as digits."""
    return _numerals(_PLACE_RE.sub(" ", folded))


def _canonical(folded: str) -> str:
    return _PUNCT.sub(" ", _placeless(folded)).strip()


def _compact(folded: str) -> str:
    """Places kept, punctuation and spaces dropped."""
    return _PUNCT.sub("", _numerals(folded))


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The canonical form used everywhere in understanding (cached: questions repeat)."""
    return _canonical(_fold_words(text.replace("\x00", " ")))


def normalize_keeping_places(text: str) -> str:
    """`normalize` that keeps place names: "去北京上访" must still read as what it says."""
    return _compact(_fold_words(text))


def normalize_both(text: str) -> tuple[str, str]:
    """(`normalize`, `normalize_keeping_places`) of one text, folding it once for both."""
    if "\x00" in text:  # `normalize` reads NUL as a space, `normalize_keeping_places` does not
        return normalize(text), normalize_keeping_places(text)
    folded = _fold_words(text)
    return _canonical(folded), _compact(folded)


def normalize_many(texts: list[str]) -> list[str]:
    """`normalize` for many texts at once: one pass over them all instead of one call each,
    which is most of the time of indexing a large knowledge base. No folding step reads or
    writes NUL, which separates the texts."""
    joined = _placeless(_fold_words("\x00".join(t.replace("\x00", " ") for t in texts)))
    return [_PUNCT.sub(" ", part).strip() for part in joined.split("\x00")]


def other_place(text: str) -> str | None:
    """The first place named that is not ours (长沙, 山东…), for "ask your own bureau" wording."""
    match = _PLACE_RE.search(_T2S.convert(unicodedata.normalize("NFKC", text)))
    return match.group(1) if match else None


def is_english(text: str) -> bool:
    """The user wrote English: Latin letters and no Chinese characters."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return bool(_LATIN.search(folded)) and not _CJK.search(folded)
