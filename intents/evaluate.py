"""Score understanding against an evaluation file (the format of shared/eval/dev.yaml).

Items may carry `kind:` (plain, typo, letter, anger, offtopic…), reported one by one, and
`split:` (tune / measure): `load_cases(path, split="measure")` keeps one split, so a set whose
measure half is never tuned on can still be scored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from intents.decision import Answer, Clarify, Decision, Fallback, Intent
from intents.examples import GUIDE, HUMAN, OUT_OF_SCOPE
from intents.understand import Understanding

# What one outcome amounts to, the columns of `Report.confusion` in this order.
OUTCOMES = (
    "right",  # answered or recognised as expected
    "clarify_right",  # offered a choice that includes a right entry
    "clarify_other",  # offered a choice without one
    "wrong",  # a confident answer with an entry not expected
    "declined",  # @out_of_scope, or fallback, where something else was expected
    "other_intent",  # another conversation intent ('@human' for a policy question…)
)


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    expect: tuple[str, ...]
    kind: str = ""
    split: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    decision: Decision
    correct: bool  # answered (or recognised the intent) right
    covered: bool  # correct, or a clarification that offers a right entry
    wrong: bool  # answered confidently with something not expected

    @property
    def outcome(self) -> str:
        """The column of the confusion table this falls in (OUTCOMES)."""
        if self.correct:
            return "right"
        if isinstance(self.decision, Clarify):
            return "clarify_right" if self.covered else "clarify_other"
        if self.wrong:
            return "wrong"
        if isinstance(self.decision, Fallback) or (
            isinstance(self.decision, Intent) and self.decision.name == OUT_OF_SCOPE
        ):
            return "declined"
        return "other_intent"


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

    def by_kind(self) -> dict[str, Report]:
        """One report per `kind:` ('' for items without one), in order of first appearance."""
        kinds: dict[str, Report] = {}
        for outcome in self.outcomes:
            kinds.setdefault(outcome.case.kind, Report()).outcomes.append(outcome)
        return kinds

    def confusion(self) -> dict[str, dict[str, int]]:
        """kind -> outcome (OUTCOMES) -> count: where each kind of question ends up."""
        table = {}
        for kind, report in self.by_kind().items():
            counts = Counter(o.outcome for o in report.outcomes)
            table[kind] = {name: counts.get(name, 0) for name in OUTCOMES}
        return table


def load_cases(path: Path, split: str | None = None) -> list[Case]:
    """The items of an evaluation file; with `split`, only the items of that split."""
    with path.open(encoding="utf-8") as handle:
        items = yaml.safe_load(handle) or []
    cases = []
    for item in items:
        if split is not None and str(item.get("split", "")) != split:
            continue
        expect = item["expect"]
        expected = tuple(str(e) for e in expect) if isinstance(expect, list) else (str(expect),)
        cases.append(
            Case(str(item["q"]), expected, str(item.get("kind", "")), str(item.get("split", "")))
        )
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


def judge(case: Case, decision: Decision, guides: dict[str, str] | None = None) -> Outcome:
    """`guides` maps a guide's intent ("@guide:assigned_job") to the entry it belongs to: the
    guide for an entry's topic answers a question about that topic."""
    got = label(decision)
    off_topic = case.expect == (OUT_OF_SCOPE,)
    if off_topic:
        correct = isinstance(decision, Fallback) or got == OUT_OF_SCOPE
    else:
        correct = got in case.expect or (guides or {}).get(got, got) in case.expect
    covered = correct or (
        isinstance(decision, Clarify) and any(o in case.expect for o in decision.options)
    )
    wrong = isinstance(decision, Answer) and not correct
    return Outcome(case, decision, correct, covered, wrong)


def evaluate(understanding: Understanding, cases: list[Case]) -> Report:
    guides = {GUIDE + g.id: g.entry for g in understanding.kb.guides}
    return Report([judge(case, understanding.decide(case.question), guides) for case in cases])
