"""Where a guide stands: the questions answered so far and what was answered, kept in the
conversation state between messages (staff taking over read it there and in the transcript)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# `question` asks the question `at`; `outcome` shows the outcome `at` and its next steps.
GuideStep = Literal["question", "outcome"]


@dataclass(frozen=True, slots=True)
class Given:
    """One answer: the number of the answer it fell in (from 0), and what was typed when the
    user wrote a value (12 years, a date) rather than picking a range."""

    pick: int
    typed: str = ""


@dataclass
class Progress:
    guide_id: str
    at: str  # the question asked now, or the outcome reached
    path: list[str] = field(default_factory=list)  # the questions answered, in order
    answers: dict[str, Given] = field(default_factory=dict)

    def to_state(self) -> dict[str, Any]:
        return {
            "guide": self.guide_id,
            "at": self.at,
            "path": list(self.path),
            "answers": {q: {"pick": g.pick, "typed": g.typed} for q, g in self.answers.items()},
        }

    @classmethod
    def from_state(cls, values: dict[str, Any]) -> Progress:
        answers: dict[str, Given] = {}
        for question, given in dict(values.get("answers") or {}).items():
            if isinstance(given, dict) and isinstance(given.get("pick"), int):
                answers[str(question)] = Given(given["pick"], str(given.get("typed") or ""))
        return cls(
            guide_id=str(values.get("guide", "")),
            at=str(values.get("at", "")),
            path=[str(q) for q in values.get("path") or []],
            answers=answers,
        )
