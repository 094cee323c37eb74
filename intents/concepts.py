"""The `concepts` table of synonyms.yaml: words that mean the same thing here, by concept."""

from __future__ import annotations

from pathlib import Path

import yaml

from intents.normalize import SYNONYMS_FILE, normalize

MIN_CONCEPT_WORD = 2  # a single character is too vague to stand for a concept


def load_concepts(path: Path = SYNONYMS_FILE) -> dict[str, str]:
    """Normalised word -> concept name. A word listed under two concepts keeps the first."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    table = data.get("concepts") or {}
    if not isinstance(table, dict):
        raise ValueError(f"{path}: 'concepts' must map a concept to a list of words")
    words: dict[str, str] = {}
    for concept, members in table.items():
        if not isinstance(members, list):
            raise ValueError(f"{path}: concept {concept!r} must list its words")
        for member in members:
            word = normalize(str(member)).replace(" ", "")
            if len(word) >= MIN_CONCEPT_WORD:
                words.setdefault(word, str(concept))
    return words
