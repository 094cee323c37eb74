"""What understanding decides about one message. The engine acts on these; nothing else."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Office:
    """Where a question outside veterans' affairs belongs (out_of_scope.yaml, `domains`)."""

    domain: str  # 'household', 'medical_insurance' ...
    zh: str  # 当地派出所（公安机关户籍窗口）
    en: str  # the local police station (household registration desk)


@dataclass(frozen=True, slots=True)
class Answer:
    """Answer with the knowledge-base entry `entry_id`; `also` are other topics a long letter raised."""

    entry_id: str
    score: float
    also: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Clarify:
    """Two or three entries are close: ask which one (entry ids, best first)."""

    options: tuple[str, ...]
    score: float


@dataclass(frozen=True, slots=True)
class Intent:
    """A conversation intent such as '@human' or '@book_appointment' (kb-topics.yaml, "intents").

    `urgent` marks distress, self-harm, threats and anger: hand to a person at once, county queue.
    `reason` says why a '@human' fired: 'distress' (self-harm, danger to life), 'threat'
    (violence or disruption), 'anger' (an angry complaint) — these three urgent — 'asked' (wants
    a person), 'frustrated' (left without help) or 'model' (the phrasings matched).
    For '@out_of_scope', `office` is where the question belongs when known, and `unexplained`
    the question's key words that no entry explains (why it was declined).
    """

    name: str
    score: float
    urgent: bool = False
    reason: str = ""
    office: Office | None = None
    unexplained: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fallback:
    """Nothing is close enough to answer: say so, show the menu, offer a person.
    `unexplained` are the question's key words that no close entry explains."""

    score: float
    unexplained: tuple[str, ...] = ()


Decision = Answer | Clarify | Intent | Fallback
