"""Message catalogues: every sentence the bot says, and the words users may type instead of
picking an option (`words:`). Each language has its main file (`zh.yaml`) and may have more,
one per area (`guides.zh.yaml`); a name defined in two files of one language is an error."""

from __future__ import annotations

import string
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
DEFAULT_LANGUAGE: Language = "zh"
HERE = Path(__file__).parent

# The lists under `words:`: what the user may type to go to the menu, cancel, agree…
Word = Literal[
    "menu",
    "cancel",
    "back",
    "link",
    "mydata",
    "agree",
    "refuse",
    "confirm",
    "skip",
    "fix",
    "resume",
    "keep",
    "yes_answer",
    "no_answer",  # a yes/no question (bot/flows/guide)
]
_TRIM = ".,!?;:。，！？；：、 \t\r\n"


def command_word(text: str) -> str:
    """The message as a command: width-folded, trimmed of punctuation, lower case."""
    return unicodedata.normalize("NFKC", text).strip(_TRIM).lower()


class Catalogue:
    """The wording of every language, keyed by dotted names ("menu.title"), and the words
    users may type, keyed by `Word`."""

    def __init__(
        self, texts: dict[str, dict[str, str]], words: dict[str, dict[str, list[str]]] | None = None
    ) -> None:
        self.texts = texts
        self.words = words or {}
        # A word counts whatever the conversation's language: people mix them ("ok", "好").
        self._any: dict[str, frozenset[str]] = {}
        for lists in self.words.values():
            for key, typed in lists.items():
                self._any[key] = self._any.get(key, frozenset()) | {command_word(w) for w in typed}

    @classmethod
    def load(cls, folder: Path = HERE) -> Catalogue:
        data = {lang: _read_language(folder, lang) for lang in LANGUAGES}
        words: dict[str, dict[str, list[str]]] = {
            lang: _words(data[lang].pop("words", None), lang) for lang in LANGUAGES
        }
        return cls({lang: _flatten(data[lang]) for lang in LANGUAGES}, words)

    def means(self, text: str | None, *words: Word) -> bool:
        """Whether the typed `text` is one of the `words` (menu, cancel, agree…) in any
        language, compared as a `command_word`."""
        typed = None if text is None else command_word(text)
        return any(typed in self._words(word) for word in words)

    def _words(self, word: Word) -> frozenset[str]:
        try:
            return self._any[word]
        except KeyError:
            raise KeyError(f"words '{word}' are missing from bot/messages/*.yaml") from None

    def text(self, lang: str, key: str, **params: object) -> str:
        """The sentence `key` in `lang` (Chinese when `lang` is unknown), placeholders filled."""
        texts = self.texts.get(lang) or self.texts[DEFAULT_LANGUAGE]
        try:
            template = texts[key]
        except KeyError:
            raise KeyError(
                f"message '{key}' is missing from bot/messages/{lang}.yaml "
                f"(or an <area>.{lang}.yaml beside it)"
            ) from None
        return template.format(**params) if params else template

    def bilingual(self, key: str, **params: object) -> str:
        """The sentence `key` in every language, Chinese first, one per line: for replies that
        must be understood whatever language the conversation is in (busy, slow down)."""
        return "\n".join(self.text(lang, key, **params) for lang in LANGUAGES)

    def placeholders(self, lang: str, key: str) -> set[str]:
        fields = string.Formatter().parse(self.texts[lang][key])
        return {name for _, name, _, _ in fields if name}


@cache
def catalogue() -> Catalogue:
    """The catalogue shipped with vetbot, read once per process."""
    return Catalogue.load()


def _read_language(folder: Path, lang: str) -> dict[str, Any]:
    """The main file of `lang` with every `<area>.<lang>.yaml` beside it merged in: an area
    may add names under a section of the main file (`staff.reports.title`), never redefine
    one."""
    merged = _read(folder / f"{lang}.yaml")
    for path in sorted(folder.glob(f"*.{lang}.yaml")):
        _merge(merged, _read(path), path)
    return merged


def _merge(into: dict[str, Any], more: dict[str, Any], path: Path, prefix: str = "") -> None:
    for key, value in more.items():
        here = into.get(key)
        if isinstance(here, dict) and isinstance(value, dict):
            _merge(here, value, path, f"{prefix}{key}.")
        elif key in into:
            raise ValueError(f"{path}: '{prefix}{key}' is already defined in another file")
        else:
            into[key] = value


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} must be a mapping of message names to text")
    return data


def _words(data: object, lang: str) -> dict[str, list[str]]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ValueError(f"bot/messages/{lang}.yaml: `words` must map names to lists of words")
    return {str(key): [str(word) for word in typed] for key, typed in data.items()}


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = "" if value is None else str(value)
    return flat
