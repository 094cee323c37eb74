"""Safety: whether a message needs a person whatever it asks (safety.yaml), and why.

A weighted classifier rather than a phrase list: every reason (distress, threat, anger,
asked, frustrated) sums the weights of the cue words and patterns the message has, and fires
at FIRES. Everyday wording combines weak cues — 我在你们局外面 (a place, 0.5) + 再不解决我就闹
(an ultimatum with 闹, 1.0) — where no single listed phrase would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from intents.features import MAX_WORD
from intents.normalize import normalize_keeping_places

SAFETY_FILE = Path(__file__).with_name("safety.yaml")
FIRES = 1.0
ANGER_WITH_FRUSTRATION = 0.5  # an anger hint this strong turns frustration into anger
URGENT = ("distress", "threat", "anger")
ORDER = ("distress", "threat", "anger", "asked", "frustrated")


@dataclass(frozen=True, slots=True)
class Reason:
    name: str
    cues: dict[str, float]  # normalised cue -> weight
    patterns: tuple[tuple[re.Pattern[str], float], ...]

    @property
    def urgent(self) -> bool:
        return self.name in URGENT

    def weight(self, cue: str) -> float:
        """The weight of one of this reason's cues or patterns (as `scores` names them)."""
        if cue in self.cues:
            return self.cues[cue]
        return next((w for p, w in self.patterns if p.pattern == cue), 0.0)


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: str
    score: float
    urgent: bool
    cues: tuple[str, ...]  # what counted, for explanations


def _weighted(items: object, where: str) -> list[tuple[str, float]]:
    if not items:
        return []
    if not isinstance(items, dict):
        raise ValueError(f"{where}: expected {{weight: [items]}}")
    return [(str(item), float(weight)) for weight, group in items.items() for item in group or ()]


def load_reasons(path: Path = SAFETY_FILE) -> tuple[Reason, ...]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    reasons = []
    for name in ORDER:
        block = data.get(name) or {}
        cues: dict[str, float] = {}
        for cue, weight in _weighted(block.get("cues"), f"{path}: {name}.cues"):
            normal = normalize_keeping_places(cue)
            if normal:
                cues[normal] = max(cues.get(normal, 0.0), weight)
        patterns = tuple(
            (re.compile(pattern), weight)
            for pattern, weight in _weighted(block.get("patterns"), f"{path}: {name}.patterns")
        )
        reasons.append(Reason(name, cues, patterns))
    return tuple(reasons)


def _no_words(_: str) -> bool:
    return False


class SafetyClassifier:
    def __init__(
        self, reasons: tuple[Reason, ...] | None = None, is_word: Callable[[str], bool] = _no_words
    ) -> None:
        """`is_word` tells dictionary words (Featurizer.is_word): a one-character cue counts
        only where no word of the dictionary covers it (闹 but not 闹钟 or 热闹)."""
        self.reasons = reasons or load_reasons()
        self.is_word = is_word
        self._single = frozenset(c for r in self.reasons for c in r.cues if len(c) == 1)
        # Cues by first character: a message is scanned once, not once per cue.
        self._by_first: dict[str, list[tuple[str, str, float]]] = {}
        for reason in self.reasons:
            for cue, weight in reason.cues.items():
                if len(cue) > 1:
                    self._by_first.setdefault(cue[0], []).append((reason.name, cue, weight))

    def _words(self, compact: str) -> frozenset[str]:
        """The one-character cues that stand as words of their own in `compact`: segmenting
        by the dictionary, only around those characters (rare in a message)."""
        standing = set()
        for position, char in enumerate(compact):
            if char in self._single and not self._covered(compact, position):
                standing.add(char)
        return frozenset(standing)

    def _covered(self, text: str, position: int) -> bool:
        for length in range(2, MAX_WORD + 1):
            for start in range(max(0, position - length + 1), position + 1):
                window = text[start : start + length]
                if len(window) == length and self.is_word(window):
                    return True
        return False

    def scores(self, compact: str) -> dict[str, tuple[float, tuple[str, ...]]]:
        """Each reason's sum and the cues behind it, for `compact` (normalize_keeping_places)."""
        words = self._words(compact)
        present: dict[str, dict[str, float]] = {}
        for position, char in enumerate(compact):
            for name, cue, weight in self._by_first.get(char, ()):
                if compact.startswith(cue, position):
                    present.setdefault(name, {})[cue] = weight
        for char in words & self._single:
            for reason in self.reasons:
                if char in reason.cues:
                    present.setdefault(reason.name, {})[char] = reason.cues[char]
        out: dict[str, tuple[float, tuple[str, ...]]] = {}
        for reason in self.reasons:
            hits = list(present.get(reason.name, {}).items())
            # A cue inside a longer cue that also counted is one piece of evidence, not two.
            hits = [
                (cue, weight)
                for cue, weight in hits
                if not any(cue != other and cue in other for other, _ in hits)
            ]
            hits += [(p.pattern, w) for p, w in reason.patterns if p.search(compact)]
            if hits:
                out[reason.name] = (sum(w for _, w in hits), tuple(c for c, _ in hits))
        return out

    def classify(
        self, compact: str, scores: dict[str, tuple[float, tuple[str, ...]]] | None = None
    ) -> Verdict | None:
        """The first reason (in ORDER) that fires, or None (`scores`: `scores(compact)`)."""
        scores = dict(self.scores(compact) if scores is None else scores)
        anger, anger_cues = scores.get("anger", (0.0, ()))
        frustrated, frustrated_cues = scores.get("frustrated", (0.0, ()))
        # Only anger that frustration does not already say (没人管 is in both lists).
        angry = next(r for r in self.reasons if r.name == "anger")
        own = sum(
            angry.weight(cue)
            for cue in anger_cues
            if not any(cue in other or other in cue for other in frustrated_cues)
        )
        if anger < FIRES <= frustrated and own >= ANGER_WITH_FRUSTRATION:
            # Left without help *and* angry about it (没人管，你们什么意思) is an angry complaint.
            scores["anger"] = (anger + frustrated, anger_cues + frustrated_cues)
        for reason in self.reasons:
            score, cues = scores.get(reason.name, (0.0, ()))
            if score >= FIRES - 1e-9:
                return Verdict(reason.name, score, reason.urgent, cues)
        return None
