"""Understanding quality on every evaluation set, against the targets of issue #13.

Tuned on (misses may be read and fixed): shared/eval/dev.yaml, tests/intents/heldout.yaml,
tests/intents/written_everyday3.yaml and the `split: tune` half of tests/intents/real_dev.yaml;
the sets written for being wary (written_wary*.yaml, written_partial.yaml) have their bar in
test_wary.py. Measured only (never read item by item, never tuned to): heldout2.yaml to
heldout6.yaml (blind, with `kind:`) and the `split: measure` half of real_dev.yaml; their failures
print figures, not questions.

Targets: dev-like questions accuracy >= 0.93, wrong <= 1%, out-of-scope abstention >= 0.95, @human
recall 1.0; real questions accuracy >= 0.75 (>= 0.85 counting a clarification that offers the
right entry), wrong <= 3%, abstention >= 0.85, @human recall 1.0. Where a set is not there yet its
floor (what it reached when the target was set) is asserted instead, so a regression fails, and
`test_issue_targets` stays an expected failure until the target is met.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from intents.evaluate import Report, evaluate, label, load_cases
from intents.understand import Understanding

HERE = Path(__file__).parent
DEV = HERE.parents[2] / "shared" / "eval" / "dev.yaml"


@dataclass(frozen=True)
class Bar:
    accuracy: float
    covered: float  # accuracy counting clarifications that offer a right entry
    wrong: float  # at most
    abstention: float
    human: float

    def gaps(self, report: Report) -> list[str]:
        checks = [
            ("accuracy", report.accuracy, self.accuracy, False),
            ("accuracy with clarify", report.accuracy_with_clarify, self.covered, False),
            ("wrong", report.wrong_rate, self.wrong, True),
            ("abstention", report.abstention, self.abstention, False),
            ("@human recall", report.human_recall, self.human, False),
        ]
        return [
            f"{name} {value:.3f} (bar {bar})"
            for name, value, bar, at_most in checks
            if (value > bar + 1e-9 if at_most else value < bar - 1e-9)
        ]


DEV_LIKE = Bar(accuracy=0.93, covered=0.93, wrong=0.01, abstention=0.95, human=1.0)
REAL = Bar(accuracy=0.75, covered=0.85, wrong=0.03, abstention=0.85, human=1.0)


@dataclass(frozen=True)
class QualitySet:
    path: Path
    split: str | None
    target: Bar
    tuned: bool  # misses may be shown
    floor: Bar | None = None  # asserted instead of the target until the target is met


SETS = {
    "dev": QualitySet(DEV, None, DEV_LIKE, tuned=True),
    "heldout": QualitySet(HERE / "heldout.yaml", None, DEV_LIKE, tuned=True),
    "heldout2": QualitySet(HERE / "heldout2.yaml", None, DEV_LIKE, tuned=False),
    "real_dev_tune": QualitySet(HERE / "real_dev.yaml", "tune", REAL, tuned=True),
    # Written by hand for the third round: everyday words, other offices' questions, people who
    # must reach a person (tuned on; it meets the written targets, so no floor).
    "written_everyday3": QualitySet(HERE / "written_everyday3.yaml", None, DEV_LIKE, tuned=True),
    "heldout3": QualitySet(
        HERE / "heldout3.yaml",
        None,
        REAL,
        tuned=False,
        floor=Bar(accuracy=0.92, covered=0.925, wrong=0.02, abstention=0.96, human=0.92),
    ),
    "heldout4": QualitySet(
        HERE / "heldout4.yaml",
        None,
        REAL,
        tuned=False,
        floor=Bar(accuracy=0.9, covered=0.91, wrong=0.04, abstention=0.94, human=1.0),
    ),
    "heldout5": QualitySet(
        HERE / "heldout5.yaml",
        None,
        DEV_LIKE,
        tuned=False,
        floor=Bar(accuracy=0.985, covered=0.985, wrong=0.005, abstention=0.995, human=0.91),
    ),
    "heldout6": QualitySet(
        HERE / "heldout6.yaml",
        None,
        DEV_LIKE,
        tuned=False,
        floor=Bar(accuracy=0.905, covered=0.915, wrong=0.025, abstention=0.94, human=0.95),
    ),
    "real_dev_measure": QualitySet(
        HERE / "real_dev.yaml",
        "measure",
        REAL,
        tuned=False,
        floor=Bar(accuracy=0.75, covered=0.78, wrong=0.08, abstention=0.885, human=1.0),
    ),
}

_reports: dict[str, Report] = {}


def _report(understanding: Understanding, name: str) -> Report:
    quality = SETS[name]
    if not quality.path.exists():
        pytest.skip(f"{quality.path} is not here (shared/ sits beside the checkout in CI)")
    if name not in _reports:
        _reports[name] = evaluate(understanding, load_cases(quality.path, quality.split))
    return _reports[name]


def _message(name: str, report: Report, gaps: list[str]) -> str:
    lines = [f"{name}: " + "; ".join(gaps)]
    if SETS[name].tuned:
        lines += [
            f"{o.case.question} -> {label(o.decision)} (want {o.case.expect})"
            for o in report.misses
        ]
    else:  # measure only: figures by kind, never the questions
        for kind, part in report.by_kind().items():
            lines.append(
                f"  {kind or '-'}: n={len(part.outcomes)} accuracy={part.accuracy:.3f} "
                f"wrong={part.wrong_rate:.3f}"
            )
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(SETS))
def test_quality(understanding: Understanding, name: str) -> None:
    report = _report(understanding, name)
    quality = SETS[name]
    gaps = (quality.floor or quality.target).gaps(report)
    assert not gaps, _message(name, report, gaps)


# Strict: a set that reaches its targets fails here, so its floor gives way to the target.
@pytest.mark.xfail(reason="issue #13 targets not yet met on these held-out sets", strict=True)
@pytest.mark.parametrize("name", [n for n, q in SETS.items() if q.floor is not None])
def test_issue_targets(understanding: Understanding, name: str) -> None:
    report = _report(understanding, name)
    gaps = SETS[name].target.gaps(report)
    assert not gaps, _message(name, report, gaps)


def test_measure_split_is_kept_apart() -> None:
    """The measure half is scored on its own: no item is in both halves."""
    path = SETS["real_dev_measure"].path
    if not path.exists():
        pytest.skip(f"{path} is not here")
    tune = {c.question for c in load_cases(path, "tune")}
    measure = {c.question for c in load_cases(path, "measure")}
    assert tune and measure and not tune & measure


def test_real_questions_are_enough_and_sourced() -> None:
    """Issue #13 asks for at least 200 real questions, each with the page it was read from,
    split into a tuned half and a measured half."""
    path = SETS["real_dev_measure"].path
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert len(items) >= 200
    assert all(str(item.get("source", "")).startswith("http") for item in items)
    splits = [item.get("split") for item in items]
    assert set(splits) == {"tune", "measure"}
    assert abs(splits.count("tune") - splits.count("measure")) <= len(items) // 10
