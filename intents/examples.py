"""The example phrasings that teach understanding what is not a policy entry: conversation
intents (`intents.yaml`), everyday off-topic questions (`out_of_scope.yaml`) and the phrases
that always need a person (`safety.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from intents.normalize import normalize_keeping_places

HERE = Path(__file__).parent
OUT_OF_SCOPE = "@out_of_scope"
HUMAN = "@human"


@dataclass(frozen=True, slots=True)
class Examples:
    intents: dict[str, tuple[str, ...]]  # '@greet' -> phrasings, '@out_of_scope' included
    distress: tuple[str, ...]  # normalised phrases
    threat: tuple[str, ...]
    anger: tuple[str, ...]
    frustrated: tuple[str, ...]
    human: tuple[str, ...]


def _yaml(path: Path) -> dict[str, object]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top")
    return data


def _phrases(items: object) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    phrases = {normalize_keeping_places(str(item)) for item in items}
    return tuple(sorted(p for p in phrases if p))


def load_examples(folder: Path = HERE) -> Examples:
    intents = _yaml(folder / "intents.yaml").get("intents", {})
    if not isinstance(intents, dict):
        raise ValueError(f"{folder / 'intents.yaml'}: 'intents' must be a mapping")
    by_name = {str(name): tuple(str(x) for x in items) for name, items in intents.items()}
    off_topic = _yaml(folder / "out_of_scope.yaml").get("examples", [])
    by_name[OUT_OF_SCOPE] = tuple(str(x) for x in off_topic) if isinstance(off_topic, list) else ()
    safety = _yaml(folder / "safety.yaml")
    return Examples(
        intents=by_name,
        distress=_phrases(safety.get("distress")),
        threat=_phrases(safety.get("threat")),
        anger=_phrases(safety.get("anger")),
        frustrated=_phrases(safety.get("frustrated")),
        human=_phrases(safety.get("human")),
    )
