"""What understanding decides about one message. The engine acts on these; nothing else."""

from __future__ import annotations

from dataclasses import dataclass


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
    `reason` says why a '@human' fired: 'distress', 'threat', 'anger' (urgent), 'asked', 'frustrated' or 'model'.
    """

    name: str
    score: float
    urgent: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Fallback:
    """Nothing is close enough to answer: say so, show the menu, offer a person."""

    score: float


Decision = Answer | Clarify | Intent | Fallback
