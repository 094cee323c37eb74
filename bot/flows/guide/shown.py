"""A guide as people see it: its questions with numbered answers, the answers given, and the
outcome with its rule, what to bring, and the sentence that it is guidance only."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.flows.guide.progress import Given, Progress
from bot.messages import Catalogue
from policies.guides import PLACEHOLDER, Branch, Guide, Outcome, Question, RequestNext
from policies.schema import RequestType, Text


@dataclass(frozen=True)
class Shown:
    lang: str
    messages: Catalogue

    def words(self, text: Text) -> str:
        return text.en if self.lang == "en" else text.zh

    def text(self, key: str, **params: object) -> str:
        return self.messages.text(self.lang, key, **params)

    def branch(self, branch: Branch) -> str:
        if branch.label is not None:
            return self.words(branch.label)
        return self.text("guide.answer_yes" if branch.loc == ("if_yes",) else "guide.answer_no")

    def label(self, question: Question) -> str:
        return self.words(question.label or question.text)

    def answer(self, question: Question, given: Given) -> str:
        """What was answered: the value written (with its unit), else the answer's label."""
        branches = question.branches()
        label = self.branch(branches[given.pick]) if given.pick < len(branches) else ""
        if not given.typed:
            return label
        if question.kind == "number" and question.unit is not None:
            return f"{given.typed}{self.words(question.unit)}"
        return given.typed

    def summary(self, guide: Guide, progress: Progress) -> list[str]:
        """One "label：answer" line per question answered, in the order asked."""
        lines = []
        for number, question_id in enumerate(progress.path, start=1):
            question = guide.question(question_id)
            given = progress.answers.get(question_id)
            if question is not None and given is not None:
                lines.append(f"{number}. {self.label(question)}：{self.answer(question, given)}")
        return lines

    def filled(self, text: str, guide: Guide, progress: Progress) -> str:
        """`text` with each `{question id}` replaced by the answer given."""

        def value(found: re.Match[str]) -> str:
            question, given = guide.question(found[1]), progress.answers.get(found[1])
            return self.answer(question, given) if question and given else found[0]

        return PLACEHOLDER.sub(value, text)

    def outcome(self, guide: Guide, outcome: Outcome, progress: Progress) -> list[str]:
        lines = [
            self.text("guide.outcome", title=self.words(guide.title)),
            self.filled(self.words(outcome.result), guide, progress),
        ]
        if outcome.formula is not None:
            formula = self.filled(self.words(outcome.formula), guide, progress)
            lines.append(self.text("guide.formula", formula=formula))
        lines += [
            self.text("guide.source", source=outcome.source),
            self.text("guide.bring", bring=self.words(outcome.bring)),
            self.text("guide.answers"),
            *self.summary(guide, progress),
            self.text("guide.guidance_only"),
        ]
        if self.lang == "en":  # the binding wording is the Chinese one
            lines.append(Shown("zh", self.messages).text("guide.guidance_only"))
        return lines


def known_answers(
    step: RequestNext, request_type: RequestType, guide: Guide, progress: Progress, shown: Shown
) -> dict[str, str]:
    """The form answers an outcome fills in, as the form stores them: a choice by its number,
    a text with the guide's answers written in (in Chinese: staff read it)."""
    staff = Shown("zh", shown.messages)
    known: dict[str, str] = {}
    for form_field in request_type.fields:
        if form_field.name not in step.fill:
            continue
        value = step.fill[form_field.name]
        if form_field.type == "choice":
            names = [c.zh for c in form_field.choices]
            if value in names:
                known[form_field.name] = str(names.index(value))
        elif form_field.type == "text":
            known[form_field.name] = staff.filled(value, guide, progress)
    return known
