"""What a plausible answer to a flow's step looks like (`Expected`), told cheaply from the text,
so the route can let go of a message that is no answer at all (`bot/flows/base.py`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from bot.flows.request.fields import find_station, parse_date
from intents.decision import Answer, Clarify, Decision, Intent
from policies.loader import KnowledgeBase
from policies.schema import FormField

# What a question looks like, whatever it asks about.
_ASKS = re.compile(r"[吗呢？?]|怎么|什么|如何|为什么|为啥|能不能|可不可以")
# Intents that say nothing the step's own question does not: it is asked again instead.
_NOTHING_TO_SAY = frozenset({"@greet", "@help", "@thanks", "@out_of_scope"})


@dataclass(frozen=True, slots=True)
class Expected:
    """What a plausible answer to a step looks like, cheaply told from the text alone.

    `shape` says whether a text has the answer's shape (a date, a town's name, digits); None
    for free text, which anything may answer. `longest` is the length of the longest valid
    answer. `strict`: a text without the shape is never an attempt at an answer (a phone or ID
    number has digits), so it is not one even when it is short.
    """

    shape: Callable[[str], bool] | None = None
    longest: int = 0
    strict: bool = False

    @classmethod
    def naming(cls, names: Iterable[str]) -> Expected:
        """An answer that names one of `names` (a choice, a service, a slot)."""
        known = [name.lower() for name in names if name]
        return cls(
            lambda text: any(name in text.lower() for name in known),
            max(map(len, known), default=4),
        )

    @classmethod
    def digits(cls, longest: int) -> Expected:
        return cls(lambda text: any(ch.isdigit() for ch in text), longest, strict=True)

    def is_answer(self, text: str, decision: Decision | None) -> bool:
        """Whether `text` may be an answer (a wrong one, perhaps) to the step, rather than a
        question, a sentence or another topic; `decision` is what understanding made of it.

        Without the answer's shape, a message is let go when understanding has something to
        say to it (an entry, a close choice of entries when it is a question or a sentence, an
        intent); otherwise the step asks again, saying what was wrong.
        """
        if isinstance(decision, Intent) and (
            decision.urgent or (decision.name == "@human" and decision.reason == "asked")
        ):
            return False  # danger, or a person asked for: never an answer to a form's question
        typed = text.strip()
        if self.shape is None or not typed or self.shape(typed):
            return True
        if self.strict or isinstance(decision, Answer):
            return False
        if isinstance(decision, Intent):
            return decision.name in _NOTHING_TO_SAY
        said = bool(_ASKS.search(typed)) or len(typed) > 2 * self.longest
        return not (said and isinstance(decision, Clarify))


FREE_TEXT = Expected()

_DIGITS_LONGEST = {"phone": 20, "id_number": 24}  # with +86, spaces and dashes forgiven


def town_answer(kb: KnowledgeBase) -> Expected:
    """A town's name, with or without 镇/乡/街道, perhaps within a few words."""
    names = [n for s in kb.stations if s.level != "county" for n in (s.name, *s.aliases)]
    return Expected(
        lambda text: find_station(kb, text, county=False) is not None,
        max(map(len, names), default=8),
    )


def date_answer(today: date) -> Expected:
    return Expected(lambda text: parse_date(text, today) is not None, 12)


def field_answer(form_field: FormField, today: date, kb: KnowledgeBase) -> Expected:
    """What an answer to a request form's field looks like, by the field's type."""
    if form_field.type in _DIGITS_LONGEST:
        return Expected.digits(_DIGITS_LONGEST[form_field.type])
    if form_field.type == "date":
        return date_answer(today)
    if form_field.type == "choice":
        return Expected.naming(n for c in form_field.choices for n in (c.zh, c.en))
    if form_field.type == "station":
        return Expected(
            lambda text: find_station(kb, text) is not None,
            max((len(s.name) for s in kb.stations), default=8),
        )
    return FREE_TEXT
