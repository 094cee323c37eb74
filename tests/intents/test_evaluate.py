"""Evaluation files: splits, kinds and the confusion table by kind."""

from __future__ import annotations

from pathlib import Path

from intents.decision import Answer, Clarify, Fallback, Intent
from intents.evaluate import OUTCOMES, Case, Report, judge, load_cases

SAMPLE = """
- {q: 优待证怎么办, expect: preferential.card, kind: plain, split: tune}
- {q: 天气怎么样, expect: "@out_of_scope", kind: offtopic, split: measure}
- {q: 不想活了, expect: "@human", kind: anger, split: measure}
- {q: 光荣牌, expect: preferential.glory_plaque}
"""


def test_split_and_kind_are_read(tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    assert len(load_cases(path)) == 4
    measure = load_cases(path, split="measure")
    assert [c.kind for c in measure] == ["offtopic", "anger"]
    assert [c.question for c in load_cases(path, split="tune")] == ["优待证怎么办"]


def test_confusion_by_kind() -> None:
    report = Report(
        [
            judge(Case("a", ("x",), "plain"), Answer("x", 1.0)),
            judge(Case("b", ("x",), "plain"), Answer("y", 1.0)),
            judge(Case("c", ("x",), "plain"), Clarify(("x", "y"), 0.3)),
            judge(Case("d", ("@out_of_scope",), "offtopic"), Fallback(0.1)),
            judge(Case("e", ("x",), "letter"), Intent("@out_of_scope", 0.5)),
            judge(Case("f", ("x",), "letter"), Intent("@human", 1.0)),
        ]
    )
    table = report.confusion()
    assert list(table) == ["plain", "offtopic", "letter"]
    assert table["plain"]["right"] == 1 and table["plain"]["wrong"] == 1
    assert table["plain"]["clarify_right"] == 1
    assert table["offtopic"]["right"] == 1
    assert table["letter"]["declined"] == 1 and table["letter"]["other_intent"] == 1
    assert all(set(row) == set(OUTCOMES) for row in table.values())
    assert report.by_kind()["plain"].accuracy == 1 / 3
