"""The example phrasings that teach understanding what is not a policy entry: conversation
intents (`intents.yaml`) and everyday questions outside veterans' affairs with the office each
belongs to (`out_of_scope.yaml`). The phrases that need a person are read by intents.safety."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from intents.decision import Office
from intents.normalize import normalize

HERE = Path(__file__).parent
OUT_OF_SCOPE = "@out_of_scope"
HUMAN = "@human"
# "@guide:<guide id>": a guide's `asks` phrasings (policies/guides.yaml) compete as an intent.
GUIDE = "@guide:"
GUIDES = "@guides"  # "我符合条件吗", not saying what: the list of guides


@dataclass(frozen=True, slots=True)
class Examples:
    intents: dict[str, tuple[str, ...]]  # '@greet' -> phrasings, '@out_of_scope' included
    offices: dict[str, Office] = field(default_factory=dict)  # domain -> office
    office_words: dict[str, str] = field(default_factory=dict)  # normalised keyword -> domain
    example_domain: dict[str, str] = field(default_factory=dict)  # normalised example -> domain
    office_people: frozenset[str] = frozenset()  # the office words that say who (职工, 警察)


def _yaml(path: Path) -> dict[str, object]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top")
    return data


def _strings(items: object, where: str) -> list[str]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValueError(f"{where}: expected a list")
    return [str(item) for item in items]


@dataclass(frozen=True, slots=True)
class _Domains:
    offices: dict[str, Office]
    words: dict[str, str]
    people: frozenset[str]
    example_domain: dict[str, str]
    phrasings: list[str]


def _domains(path: Path) -> _Domains:
    data = _yaml(path)
    domains = data.get("domains") or {}
    if not isinstance(domains, dict):
        raise ValueError(
            f"{path}: 'domains' must be a mapping of domain -> office, keywords, examples"
        )
    offices: dict[str, Office] = {}
    words: dict[str, str] = {}
    people: set[str] = set()
    example_domain: dict[str, str] = {}
    phrasings: list[str] = []
    for name, block in domains.items():
        if not isinstance(block, dict) or not isinstance(block.get("office"), dict):
            raise ValueError(f"{path}: domain {name!r} needs an office with zh and en")
        office = block["office"]
        offices[str(name)] = Office(str(name), str(office["zh"]), str(office["en"]))
        keywords = _strings(block.get("keywords"), f"{path}: {name}.keywords")
        for keyword in keywords:
            words.setdefault(normalize(keyword).replace(" ", ""), str(name))
        for person in _strings(block.get("people"), f"{path}: {name}.people"):
            word = normalize(person).replace(" ", "")
            words.setdefault(word, str(name))
            people.add(word)
        for example in _strings(block.get("examples"), f"{path}: {name}.examples"):
            example_domain.setdefault(normalize(example), str(name))
            phrasings.append(example)
    phrasings.extend(_strings(data.get("chatter"), f"{path}: chatter"))
    return _Domains(offices, words, frozenset(people), example_domain, phrasings)


def load_examples(folder: Path = HERE) -> Examples:
    intents = _yaml(folder / "intents.yaml").get("intents", {})
    if not isinstance(intents, dict):
        raise ValueError(f"{folder / 'intents.yaml'}: 'intents' must be a mapping")
    by_name = {str(name): tuple(str(x) for x in items) for name, items in intents.items()}
    domains = _domains(folder / "out_of_scope.yaml")
    by_name[OUT_OF_SCOPE] = tuple(domains.phrasings)
    return Examples(by_name, domains.offices, domains.words, domains.example_domain, domains.people)
