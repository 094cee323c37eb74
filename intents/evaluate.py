"""Score understanding against an evaluation file (the format of shared/eval/dev.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from intents.decision import Answer, Clarify, Decision, Fallback, Intent
from intents.examples import HUMAN, OUT_OF_SCOPE
from intents.understand import Understanding


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    expect: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    decision: Decision
    correct: bool  # answered (or recognised the intent) right
    covered: bool  # correct, or a clarification that offers a right entry
    wrong: bool  # answered confidently with something not expected


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, items: list[Outcome], test: str) -> float:
        return sum(getattr(o, test) for o in items) / len(items) if items else 1.0

    @property
    def accuracy(self) -> float:
        return self._share(self.outcomes, "correct")

    @property
    def accuracy_with_clarify(self) -> float:
        return self._share(self.outcomes, "covered")

    @property
    def wrong_rate(self) -> float:
        return self._share(self.outcomes, "wrong")

    @property
    def abstention(self) -> float:
        """Off-topic questions not answered with a policy entry."""
        off = [o for o in self.outcomes if o.case.expect == (OUT_OF_SCOPE,)]
        return (
            sum(not isinstance(o.decision, Answer | Clarify) for o in off) / len(off)
            if off
            else 1.0
        )

    @property
    def human_recall(self) -> float:
        """Questions that need a person and got one (or another answer the file also accepts,
        such as the complaints entry, which itself offers a person)."""
        wanted = [o for o in self.outcomes if HUMAN in o.case.expect]
        return sum(o.correct for o in wanted) / len(wanted) if wanted else 1.0

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]


def load_cases(path: Path) -> list[Case]:
    with path.open(encoding="utf-8") as handle:
        items = yaml.safe_load(handle) or []
    cases = []
    for item in items:
        expect = item["expect"]
        expected = tuple(expect) if isinstance(expect, list) else (str(expect),)
        cases.append(Case(str(item["q"]), expected))
    return cases


def label(decision: Decision) -> str:
    """What a decision amounts to, in the vocabulary of evaluation files."""
    if isinstance(decision, Answer):
        return decision.entry_id
    if isinstance(decision, Intent):
        return decision.name
    if isinstance(decision, Clarify):
        return "clarify:" + "|".join(decision.options)
    return "fallback"


def judge(case: Case, decision: Decision) -> Outcome:
    got = label(decision)
    off_topic = case.expect == (OUT_OF_SCOPE,)
    if off_topic:
        correct = isinstance(decision, Fallback) or got == OUT_OF_SCOPE
    else:
        correct = got in case.expect
    covered = correct or (
        isinstance(decision, Clarify) and any(o in case.expect for o in decision.options)
    )
    wrong = isinstance(decision, Answer) and not correct
    return Outcome(case, decision, correct, covered, wrong)


def evaluate(understanding: Understanding, cases: list[Case]) -> Report:
    return Report([judge(case, understanding.decide(case.question)) for case in cases])
