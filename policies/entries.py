"""Checks of one knowledge-base entry that the schema alone cannot make, each at its line.

The schema checks each value; these check an entry as a whole (its category, its questions,
the actions it offers, its dates) and warn of what makes answers worse (too few questions, a
long answer, no English).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from policies.directory import Report
from policies.schema import Entry
from policies.yamlsource import Source

MIN_QUESTIONS = 20
MAX_ANSWER_CHARS = 300
FIXED_ACTIONS = frozenset({"booking", "handoff"})


def question_key(text: str) -> str:
    """How two questions are compared for 'claimed by two entries': width, case, punctuation."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", "", text)


@dataclass(frozen=True)
class EntryLines:
    """The line of a field of entry `index` of `source`."""

    source: Source
    index: int

    @property
    def path(self) -> str:
        return self.source.path

    def __call__(self, *loc: str | int) -> int:
        return self.source.line_of(("entries", self.index, *loc))


def check_entry(
    report: Report,
    entry: Entry,
    category: str,
    at: EntryLines,
    request_ids: set[str],
    today: date,
    guide_ids: set[str] | None = None,
) -> None:
    if entry.category != category:
        report.add(
            at.path, at("id"), f"id '{entry.id}' is not in this file's category '{category}'"
        )
    seen: set[str] = set()
    for q_index, question in enumerate(entry.questions):
        key = question_key(question)
        if key in seen:
            report.add(at.path, at("questions", q_index), f"question '{question}' is listed twice")
        seen.add(key)
    _check_actions(report, entry, at, request_ids, guide_ids or set())
    if entry.valid_from and entry.valid_until and entry.valid_until < entry.valid_from:
        report.add(at.path, at("valid_until"), "valid_until is before valid_from")
    _warn_of_entry(report, entry, at, today)


def _check_actions(
    report: Report, entry: Entry, at: EntryLines, request_ids: set[str], guide_ids: set[str]
) -> None:
    for a_index, action in enumerate(entry.actions):
        kind, _, target = action.partition(":")
        if action in FIXED_ACTIONS:
            continue
        if kind == "guide" and target:
            if target not in guide_ids:
                message = f"action '{action}' names guide '{target}', which guides.yaml lacks"
                report.add(at.path, at("actions", a_index), message)
            continue
        if kind != "request" or not target:
            report.add(
                at.path,
                at("actions", a_index),
                f"action '{action}' is not 'booking', 'handoff', 'request:<type id>' or "
                "'guide:<guide id>'",
            )
        elif target not in request_ids:
            report.add(
                at.path,
                at("actions", a_index),
                f"action '{action}' names request type '{target}', which requests.yaml lacks",
            )


def _warn_of_entry(report: Report, entry: Entry, at: EntryLines, today: date) -> None:
    """What an entry may have but should not: too few questions, a long answer, no English,
    an end date passed."""
    if len(entry.questions) < MIN_QUESTIONS:
        report.add(
            at.path,
            at("questions"),
            f"only {len(entry.questions)} questions; {MIN_QUESTIONS}+ phrasings make answers reliable",
            warning=True,
        )
    if len(entry.answer) > MAX_ANSWER_CHARS * 1.2:
        report.add(
            at.path,
            at("answer"),
            f"answer has {len(entry.answer)} characters; keep it under about {MAX_ANSWER_CHARS} "
            "and move the rest to `detail`",
            warning=True,
        )
    if entry.en is None:
        report.add(at.path, at("id"), "no English translation (`en`)", warning=True)
    if entry.valid_until and entry.valid_until < today:
        report.add(at.path, at("valid_until"), "entry has expired and is not served", warning=True)
