"""Message catalogues: every sentence the bot says, one YAML file per language."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
HERE = Path(__file__).parent


class Catalogue:
    """The wording of every language, keyed by dotted names ("menu.title")."""

    def __init__(self, texts: dict[str, dict[str, str]]) -> None:
        self.texts = texts

    @classmethod
    def load(cls, folder: Path = HERE) -> Catalogue:
        return cls({lang: _flatten(_read(folder / f"{lang}.yaml")) for lang in LANGUAGES})

    def text(self, lang: str, key: str, **params: object) -> str:
        """The sentence `key` in `lang` (Chinese when `lang` is unknown), placeholders filled."""
        texts = self.texts.get(lang) or self.texts[DEFAULT_LANGUAGE]
        try:
            template = texts[key]
        except KeyError:
            raise KeyError(f"message '{key}' is missing from bot/messages/{lang}.yaml") from None
        return template.format(**params) if params else template

    def placeholders(self, lang: str, key: str) -> set[str]:
        fields = string.Formatter().parse(self.texts[lang][key])
        return {name for _, name, _, _ in fields if name}


@cache
def catalogue() -> Catalogue:
    """The catalogue shipped with vetbot, read once per process."""
    return Catalogue.load()


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} must be a mapping of message names to text")
    return data


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = "" if value is None else str(value)
    return flat
