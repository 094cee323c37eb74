"""Every way through a guide: the answers of each path from its start to an outcome."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from policies.guides import Guide, Outcome


@dataclass(frozen=True)
class Path:
    guide: Guide
    answers: tuple[tuple[str, int], ...]  # (question id, answer number from 0) in order
    outcome: Outcome

    @property
    def name(self) -> str:
        steps = "-".join(f"{q}{i + 1}" for q, i in self.answers)
        return f"{self.guide.id}:{steps}->{self.outcome.id}"


def paths(guide: Guide) -> Iterator[Path]:
    """Each path through `guide`, depth first (the checker refuses cycles, so this ends)."""

    def walk(node: str, answers: tuple[tuple[str, int], ...]) -> Iterator[Path]:
        question = guide.question(node)
        if question is None:
            outcome = guide.outcome(node)
            assert outcome is not None, node
            yield Path(guide, answers, outcome)
            return
        for index, branch in enumerate(question.branches()):
            yield from walk(branch.next, (*answers, (node, index)))

    yield from walk(guide.start, ())
