"""Other offices' business: one of an office's things with what is done with it (户口本 + 补办,
养老保险 + 补交, 看病 + 报销), from intents/lexicon.yaml `office_doings`.

An entry of ours may speak of the thing (退役后户口落户 mentions 户口本, 保险关系接续 is about
养老保险) and still not be about what the question asks: a class explains a doing only when one
of its own phrasings pairs a thing of that office with the doing (残疾军人看病怎么报销).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from intents.normalize import LEXICON, normalize

_CLAUSE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Doing:
    """Another office's thing paired with what is done with it in one clause (户口本 + 补办)."""

    domain: str
    thing: str
    doing: str  # the doing as written, one of `words`
    words: tuple[str, ...]  # the doing and the words that mean it (补交, 补缴)
    start: int = 0  # where its clause starts and ends in the text
    end: int = 0

    @property
    def text(self) -> str:
        return self.thing + self.doing


@dataclass(frozen=True, slots=True)
class _Business:
    domain: str
    things: tuple[str, ...]
    doings: tuple[tuple[str, ...], ...]


class Doings:
    """Other offices' business (intents/lexicon.yaml `office_doings`): which questions pair a
    domain's thing with a doing, and which classes pair them in one of their own phrasings."""

    def __init__(
        self,
        table: Mapping[str, tuple[Sequence[str], Sequence[Sequence[str]]]],
        texts: Sequence[str],
        class_ptr: np.ndarray,
    ) -> None:
        """`table` maps a domain to its things and its doings (each a group of words that mean
        one doing); `texts` are every class's phrasings (normalised), class k's from
        class_ptr[k] to class_ptr[k + 1]."""
        self._business = [
            _Business(domain, tuple(things), tuple(tuple(group) for group in doings))
            for domain, (things, doings) in table.items()
        ]
        self._texts = texts
        self._ptr = class_ptr

    def find(self, text: str) -> tuple[Doing, ...]:
        """Every (thing, doing) pair of one normalised text, each within one clause."""
        found: list[Doing] = []
        # domain -> the thing of this clause or the one before, and where its clause starts
        before: dict[str, tuple[str, int, int]] = {}
        for number, match in enumerate(_CLAUSE.finditer(text)):
            clause, end = match.group(), match.end()
            for business in self._business:
                things = [t for t in business.things if t in clause]
                if things:
                    before[business.domain] = (max(things, key=len), match.start(), number)
                if business.domain not in before or before[business.domain][2] < number - 1:
                    continue
                thing, start, _ = before[business.domain]
                for group in business.doings:
                    doing = next((d for d in group if d in clause and d not in thing), None)
                    if doing is not None:
                        found.append(Doing(business.domain, thing, doing, group, start, end))
        return tuple(found)

    def explains(self, klass: int, doing: Doing) -> bool:
        """Whether one of class `klass`'s phrasings pairs a thing of the doing's domain with
        the doing (残疾军人看病怎么报销 pairs 看病 with 报销)."""
        business = next(b for b in self._business if b.domain == doing.domain)
        texts = self._texts[int(self._ptr[klass]) : int(self._ptr[klass + 1])]
        return any(
            any(t in text for t in business.things) and any(w in text for w in doing.words)
            for text in texts
        )


def office_doings(offices: Collection[str]) -> dict[str, tuple[list[str], list[list[str]]]]:
    """lexicon.yaml's `office_doings`, normalised: domain -> (things, doings as word groups).
    Each domain must be one of `offices` (out_of_scope.yaml), whose office a decline names."""
    table: object = LEXICON.get("office_doings") or {}
    if not isinstance(table, dict):
        raise ValueError("lexicon.yaml: 'office_doings' must map a domain to things and doings")
    out: dict[str, tuple[list[str], list[list[str]]]] = {}
    for domain, block in table.items():
        if domain not in offices:
            raise ValueError(f"lexicon.yaml: office_doings names {domain!r}, no office's domain")
        things = [normalize(w) for w in str(block["things"]).split()]
        doings = [[normalize(w) for w in group.split("/")] for group in block["doings"].split()]
        out[str(domain)] = (things, doings)
    return out
