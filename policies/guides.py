"""Eligibility guides (`guides.yaml`): short questionnaires whose answers lead to an outcome.

A guide is a graph: each question's answers name the next question or an outcome, from the
`start` question on. The schema checks each value; `check_guides` checks the graph (every branch
leads somewhere, no cycle, every question and outcome reachable), that each outcome cites its
rule, and that what an outcome offers (a request form filled in from the answers) exists. Every
problem is reported at its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from pydantic import Field

from policies.directory import Report
from policies.entries import FIXED_ACTIONS
from policies.schema import ENTRY_ID, SLUG, RequestType, Strict, Text
from policies.yamlsource import Source

GuideKind = str  # "yes_no" | "choice" | "number" | "date": checked at its line, not by pydantic
KINDS = ("yes_no", "choice", "number", "date")
MIN_ASKS = 5
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
# An outcome's rule is cited with its article: 第二十五条, 第5条.
ARTICLE = re.compile(r"第[一二三四五六七八九十百零\d]+条")


class Answer(Strict):
    """One answer to a question, and where it leads. Number answers cover `min`..`max`
    (inclusive; either may be open); date answers cover `after`..`before` (on or after,
    strictly before) or `days_min`..`days_max` days before today."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    next: str = Field(pattern=SLUG)
    min: int | None = None
    max: int | None = None
    after: date | None = None
    before: date | None = None
    days_min: int | None = Field(None, ge=0)
    days_max: int | None = Field(None, ge=0)

    @property
    def text(self) -> Text:
        return Text(zh=self.zh, en=self.en)

    def holds_number(self, number: int) -> bool:
        return (self.min is None or number >= self.min) and (self.max is None or number <= self.max)

    def holds_date(self, day: date, today: date) -> bool:
        if self.days_min is not None or self.days_max is not None:
            days = (today - day).days
            low = self.days_min or 0
            return days >= low and (self.days_max is None or days <= self.days_max)
        return (self.after is None or day >= self.after) and (
            self.before is None or day < self.before
        )


@dataclass(frozen=True, slots=True)
class Branch:
    """A numbered answer as offered: its label (None: the catalogue's yes / no), where it
    leads, and its place in the YAML (for line numbers)."""

    label: Text | None
    next: str
    loc: tuple[str | int, ...]
    answer: Answer | None = None


class Question(Strict):
    id: str = Field(pattern=SLUG)
    kind: GuideKind
    text: Text
    label: Text | None = None  # names the question in the summary of answers
    unit: Text | None = None  # number questions: what a typed number counts (年, 级)
    if_yes: str | None = Field(None, pattern=SLUG)  # yes_no questions (`yes:` would read as true)
    if_no: str | None = Field(None, pattern=SLUG)
    answers: list[Answer] = Field(default_factory=list)  # choice, number and date questions

    def branches(self) -> list[Branch]:
        """The answers in the order they are numbered."""
        if self.kind == "yes_no":
            pairs = (("if_yes", self.if_yes), ("if_no", self.if_no))
            return [Branch(None, target, (name,)) for name, target in pairs if target]
        return [
            Branch(a.text, a.next, ("answers", i, "next"), a) for i, a in enumerate(self.answers)
        ]


class RequestNext(Strict):
    """An outcome's request form, with answers filled in: `{field: value}`; a value may name
    answers as `{question id}`. Choice fields take one of their choices (in Chinese)."""

    request: str = Field(pattern=SLUG)
    fill: dict[str, str] = Field(default_factory=dict)


class Outcome(Strict):
    id: str = Field(pattern=SLUG)
    result: Text  # the likely result
    formula: Text | None = None  # how an amount is worked out, when the cited rule fixes it
    bring: Text  # what to bring
    source: str = ""  # the rule, with its article
    next: list[str | RequestNext] = Field(
        default_factory=list
    )  # request:<type>, booking, handoff, or a RequestNext

    def requests(self) -> Iterator[tuple[int, RequestNext]]:
        """The request forms offered, each with its place in `next`."""
        for index, step in enumerate(self.next):
            if isinstance(step, RequestNext):
                yield index, step
            elif step.startswith("request:"):
                yield index, RequestNext(request=step.partition(":")[2])


class Guide(Strict):
    id: str = Field(pattern=SLUG)
    title: Text
    entry: str = Field(pattern=ENTRY_ID)  # the knowledge-base entry it belongs to
    intro: Text | None = None
    asks: list[str] = Field(
        default_factory=list
    )  # how people ask for it: understanding routes these to the guide
    start: str = Field(pattern=SLUG)
    questions: list[Question] = Field(min_length=1)
    outcomes: list[Outcome] = Field(min_length=1)

    def question(self, node_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == node_id), None)

    def outcome(self, node_id: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == node_id), None)


class GuidesFile(Strict):
    guides: list[Guide] = Field(default_factory=list)


def placeholders(*texts: Text | str | None) -> set[str]:
    """The `{question id}` names used in `texts`."""
    names: set[str] = set()
    for text in texts:
        if isinstance(text, Text):
            names |= set(PLACEHOLDER.findall(text.zh)) | set(PLACEHOLDER.findall(text.en))
        elif text:
            names |= set(PLACEHOLDER.findall(text))
    return names


def check_guides(
    report: Report,
    guides: list[Guide],
    source: Source,
    entry_ids: set[str],
    request_types: dict[str, RequestType],
) -> None:
    seen: dict[str, int] = {}
    for index, guide in enumerate(guides):
        check = _GuideCheck(report, guide, source, index, request_types)
        if guide.id in seen:
            check.add(("id",), f"duplicate guide id (also line {seen[guide.id]})")
        seen.setdefault(guide.id, check.line("id"))
        if guide.entry not in entry_ids:
            check.add(("entry",), f"entry '{guide.entry}' is not in the knowledge base")
        if len(guide.asks) < MIN_ASKS:
            message = (
                f"only {len(guide.asks)} `asks` phrasings; {MIN_ASKS}+ route questions reliably"
            )
            check.add(("asks",), message, warning=True)
        check.run()


class _GuideCheck:
    """The checks of one guide: its nodes, its graph, its outcomes."""

    def __init__(
        self,
        report: Report,
        guide: Guide,
        source: Source,
        index: int,
        request_types: dict[str, RequestType],
    ) -> None:
        self.report, self.guide, self.request_types = report, guide, request_types
        self.source, self.index = source, index
        self.places: dict[str, tuple[str | int, ...]] = {}  # node id: its loc

    def line(self, *loc: str | int) -> int:
        """The line of `loc` within this guide."""
        return self.source.line_of(("guides", self.index, *loc))

    def add(self, loc: tuple[str | int, ...], message: str, warning: bool = False) -> None:
        text = f"guide '{self.guide.id}': {message}"
        self.report.add(self.source.path, self.line(*loc), text, warning)

    def run(self) -> None:
        guide = self.guide
        nodes = [("questions", i, q.id) for i, q in enumerate(guide.questions)]
        nodes += [("outcomes", i, o.id) for i, o in enumerate(guide.outcomes)]
        for part, index, node_id in nodes:
            if node_id in self.places:
                self.add((part, index, "id"), f"id '{node_id}' is used twice")
            self.places.setdefault(node_id, (part, index))
        if guide.question(guide.start) is None:
            self.add(("start",), f"start '{guide.start}' is not a question of this guide")
        for index, question in enumerate(guide.questions):
            self._question(index, question)
        for index, outcome in enumerate(guide.outcomes):
            self._outcome(index, outcome)
        if guide.question(guide.start) is not None and self._acyclic():
            self._reachable()

    def _question(self, index: int, question: Question) -> None:
        loc: tuple[str | int, ...] = ("questions", index)
        if question.kind not in KINDS:
            self.add((*loc, "kind"), f"kind '{question.kind}' is not one of {', '.join(KINDS)}")
            return
        if question.kind == "yes_no":
            if question.if_yes is None or question.if_no is None or question.answers:
                self.add(
                    loc,
                    f"yes_no question '{question.id}' needs `if_yes:` and `if_no:`, no `answers`",
                )
        elif question.if_yes or question.if_no or len(question.answers) < 2:
            self.add(
                loc,
                f"{question.kind} question '{question.id}' needs 2+ `answers` (no `if_yes`/`if_no`)",
            )
        for a_index, answer in enumerate(question.answers):
            self._bounds(question, (*loc, "answers", a_index), answer)
        if question.kind == "number":
            self._overlaps(loc, [(a.min, a.max) for a in question.answers])
        if question.kind == "date":
            relative = [a.days_min is not None or a.days_max is not None for a in question.answers]
            if any(relative) and not all(relative):
                self.add(loc, "date answers are all `after`/`before` or all `days_min`/`days_max`")
        for branch in question.branches():
            if branch.next == question.id:
                self.add((*loc, *branch.loc), f"'{question.id}' leads to itself")
            elif branch.next not in self.places:
                self.add(
                    (*loc, *branch.loc),
                    f"dangling branch: '{branch.next}' is neither a question nor an outcome",
                )

    def _bounds(self, question: Question, loc: tuple[str | int, ...], answer: Answer) -> None:
        numbers = answer.min is not None or answer.max is not None
        dates = any(
            v is not None for v in (answer.after, answer.before, answer.days_min, answer.days_max)
        )
        if question.kind == "number" and (not numbers or dates):
            self.add(loc, "a number answer needs `min` and/or `max` (and no dates)")
        elif question.kind == "date" and (not dates or numbers):
            self.add(loc, "a date answer needs `after`/`before` or `days_min`/`days_max`")
        elif question.kind in ("yes_no", "choice") and (numbers or dates):
            self.add(loc, f"a {question.kind} answer has no `min`/`max` or dates")
        for low, high in ((answer.min, answer.max), (answer.days_min, answer.days_max)):
            if low is not None and high is not None and low > high:
                self.add(loc, f"range {low}..{high} is empty")
        if answer.after and answer.before and answer.after >= answer.before:
            self.add(loc, f"no day is on or after {answer.after} and before {answer.before}")

    def _overlaps(
        self, loc: tuple[str | int, ...], ranges: list[tuple[int | None, int | None]]
    ) -> None:
        lows = [
            (low if low is not None else -(10**9), high if high is not None else 10**9)
            for low, high in ranges
        ]
        for i, (low, high) in enumerate(lows):
            for j in range(i):
                other_low, other_high = lows[j]
                if low <= other_high and other_low <= high:
                    self.add((*loc, "answers", i), f"answers {j + 1} and {i + 1} overlap")

    def _outcome(self, index: int, outcome: Outcome) -> None:
        loc: tuple[str | int, ...] = ("outcomes", index)
        if not outcome.source:
            self.add(
                (*loc, "id"), f"outcome '{outcome.id}' has no `source`: cite the rule it rests on"
            )
        elif not ARTICLE.search(outcome.source):
            self.add(
                (*loc, "source"),
                f"outcome '{outcome.id}': `source` names no article (第…条)",
                warning=True,
            )
        if not outcome.next:
            self.add((*loc, "id"), f"outcome '{outcome.id}' offers no next step (`next`)")
        for s_index, step in enumerate(outcome.next):
            if (
                isinstance(step, str)
                and step not in FIXED_ACTIONS
                and not step.startswith("request:")
            ):
                self.add(
                    (*loc, "next", s_index),
                    f"next step '{step}' is not 'booking', 'handoff' or 'request:<type id>'",
                )
        for s_index, step in outcome.requests():
            self._request(outcome, (*loc, "next", s_index), step)

    def _request(self, outcome: Outcome, loc: tuple[str | int, ...], step: RequestNext) -> None:
        request_type = self.request_types.get(step.request)
        if request_type is None:
            self.add(loc, f"request type '{step.request}' is not in requests.yaml")
            return
        fields = {f.name: f for f in request_type.fields}
        for name, value in step.fill.items():
            form_field = fields.get(name)
            if form_field is None:
                self.add((*loc, "fill"), f"form '{step.request}' has no field '{name}'")
            elif form_field.type == "choice":
                if value not in [c.zh for c in form_field.choices]:
                    self.add((*loc, "fill"), f"'{value}' is not a choice of field '{name}'")
            elif form_field.type != "text":
                self.add(
                    (*loc, "fill"),
                    f"field '{name}' is {form_field.type}: only choice and text fields are filled in",
                )

    def _edges(self) -> dict[str, list[tuple[str, tuple[str | int, ...]]]]:
        """Each question's targets, with the loc of the branch."""
        return {
            q.id: [
                (b.next, ("questions", i, *b.loc)) for b in q.branches() if b.next in self.places
            ]
            for i, q in enumerate(self.guide.questions)
        }

    def _acyclic(self) -> bool:
        edges, state, ok = self._edges(), dict[str, int](), True

        def visit(node: str) -> None:
            nonlocal ok
            state[node] = 1
            for target, loc in edges.get(node, []):
                if state.get(target) == 1:
                    ok = False
                    self.add(loc, f"cycle: '{target}' is asked again after '{node}'")
                elif target not in state:
                    visit(target)
            state[node] = 2

        for question in self.guide.questions:
            if question.id not in state:
                visit(question.id)
        return ok

    def _reachable(self) -> None:
        """Every node reached from `start`; each outcome's placeholders asked on every path."""
        edges = self._edges()
        asked: dict[str, set[str]] = {}  # node: the questions asked on every path to it
        order = _topological(self.guide.start, edges)
        asked[self.guide.start] = set()
        for node in order:
            for target, _ in edges.get(node, []):
                before = asked[node] | {node}
                asked[target] = asked[target] & before if target in asked else before
        for node_id, loc in self.places.items():
            if node_id not in asked:
                self.add(
                    (*loc, "id"), f"'{node_id}' is unreachable from start '{self.guide.start}'"
                )
        for index, outcome in enumerate(self.guide.outcomes):
            fills = [v for _, step in outcome.requests() for v in step.fill.values()]
            used = placeholders(outcome.result, outcome.formula, *fills)
            missing = sorted(used - asked.get(outcome.id, used))
            if missing:
                self.add(
                    ("outcomes", index, "id"),
                    f"outcome '{outcome.id}' shows {{{missing[0]}}}, not asked on every path to it",
                )


def _topological(
    start: str, edges: dict[str, list[tuple[str, tuple[str | int, ...]]]]
) -> list[str]:
    """The nodes reached from `start`, each after every node that leads to it (no cycles)."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(node: str) -> None:
        seen.add(node)
        for target, _ in edges.get(node, []):
            if target not in seen:
                visit(target)
        done.append(node)

    visit(start)
    return list(reversed(done))
