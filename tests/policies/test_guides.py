"""`vetbot policies check` on guides.yaml: each bad edit refused at its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import DEFAULT_KB_DIR
from policies.errors import Problem
from policies.guides import ARTICLE
from policies.loader import load, problems_of
from tests.paths import FIXTURE_KB

GOOD = """\
guides:
  - id: card
    title: {zh: 我能办优待证吗, en: "Can I get the card?"}
    entry: preferential.card
    asks: [我能办优待证吗, 我能不能办优待证, 优待证我能办吗, 我符合办优待证吗, 我可以办优待证吗]
    start: who
    questions:
      - id: who
        kind: choice
        text: {zh: 您是谁？, en: "Who are you?"}
        answers:
          - {zh: 退役军人, en: A veteran, next: years}
          - {zh: 其他, en: Someone else, next: not_covered}
      - id: years
        kind: number
        unit: {zh: 年, en: " years"}
        text: {zh: 服役几年？, en: "How many years?"}
        answers:
          - {zh: 不满2年, en: Under 2, max: 1, next: first}
          - {zh: 2年及以上, en: 2 or more, min: 2, next: first}
    outcomes:
      - id: first
        result: {zh: "可以申请（服役{years}）。", en: "You can apply ({years})."}
        bring: {zh: 身份证, en: ID card}
        source: 《退役军人保障法》第十五条
        next:
          - request: preferential_card
            fill: {purpose: 首次申请, note: "服役{years}"}
          - booking
      - id: not_covered
        result: {zh: 不在范围内。, en: Not covered.}
        bring: {zh: 无, en: Nothing}
        source: 《退役军人保障法》第十五条
        next: [handoff]
"""


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first `needle` (after the first `after`, when given)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    shutil.copytree(FIXTURE_KB, folder)
    return folder


def errors(root: Path, guides: str) -> list[Problem]:
    (root / "guides.yaml").write_text(guides, encoding="utf-8")
    return [p for p in problems_of(root) if not p.warning]


def refused(root: Path, guides: str, needle: str, *, at: str, after: str = "") -> Problem:
    """The one error about `needle`, asserted to be at the line holding `at`."""
    found = [p for p in errors(root, guides) if needle in p.message]
    assert len(found) == 1, errors(root, guides)
    assert found[0].path == "policies/guides.yaml"
    assert found[0].line == line_of(guides, at, after), (found[0], guides.splitlines())
    return found[0]


def test_the_good_guide_loads(root: Path) -> None:
    assert errors(root, GOOD) == []
    kb = load(root)
    guide = kb.guide("card")
    assert guide is not None and [q.id for q in guide.questions] == ["who", "years"]


def test_the_shipped_guides_pass_and_cite_an_article_in_every_outcome() -> None:
    kb = load(DEFAULT_KB_DIR)
    assert len(kb.guides) >= 5
    for guide in kb.guides:
        for outcome in guide.outcomes:
            assert ARTICLE.search(outcome.source), (guide.id, outcome.id)
    assert [p for p in problems_of(DEFAULT_KB_DIR) if "guide" in p.message] == []


# (what to change, into what, the error's words, the line it is at)
REFUSALS = {
    "dangling branch": (
        "next: not_covered}",
        "next: nowhere}",
        "dangling branch: 'nowhere'",
        "next: nowhere",
    ),
    "unreachable outcome": (
        "next: not_covered}",
        "next: first}",
        "'not_covered' is unreachable from start 'who'",
        "- id: not_covered",
    ),
    "missing source": (
        "        source: 《退役军人保障法》第十五条\n        next: [handoff]",
        "        next: [handoff]",
        "has no `source`",
        "- id: not_covered",
    ),
    "cycle": (
        "min: 2, next: first}",
        "min: 2, next: who}",
        "cycle: 'who' is asked again after 'years'",
        "next: who}",
    ),
    "start not a question": ("start: who", "start: first", "start 'first'", "start: first"),
    "overlapping ranges": (
        "max: 1, next: first}",
        "max: 3, next: first}",
        "answers 1 and 2 overlap",
        "2 or more",
    ),
    "number answer without range": (
        "en: Under 2, max: 1, next: first}",
        "en: Under 2, next: first}",
        "needs `min` and/or `max`",
        "en: Under 2",
    ),
    "unknown kind": ("kind: choice", "kind: pick_one", "kind 'pick_one'", "kind: pick_one"),
    "unknown form": (
        "next: [handoff]",
        "next: [request:no_such_form]",
        "not in requests.yaml",
        "request:no_such_form",
    ),
    "unknown field": ('note: "服役{years}"', "remark: x", "has no field 'remark'", "fill:"),
    "unknown choice": (
        "purpose: 首次申请",
        "purpose: 续办",
        "'续办' is not a choice of field 'purpose'",
        "fill:",
    ),
    "personal field": ("purpose: 首次申请", 'phone: "139"', "only choice and text fields", "fill:"),
    # `not_covered` is reached without asking `years`.
    "answer not asked": (
        "result: {zh: 不在范围内。",
        'result: {zh: "不在范围内（{years}）。"',
        "shows {years}",
        "- id: not_covered",
    ),
    "unknown entry": (
        "entry: preferential.card",
        "entry: preferential.none",
        "preferential.none",
        "entry:",
    ),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_bad_edit_is_refused_at_its_line(root: Path, case: tuple[str, str, str, str]) -> None:
    before, after, message, at = case
    assert before in GOOD
    refused(root, GOOD.replace(before, after, 1), message, at=at)


def test_a_source_without_an_article_is_a_warning(root: Path) -> None:
    bad = GOOD.replace(
        "source: 《退役军人保障法》第十五条\n        next: [handoff]",
        "source: 据公开资料\n        next: [handoff]",
    )
    (root / "guides.yaml").write_text(bad, encoding="utf-8")
    warnings = [p for p in problems_of(root) if p.warning and "no article" in p.message]
    assert [w.line for w in warnings] == [line_of(bad, "source: 据公开资料")]


def test_a_question_leading_to_itself_is_refused(root: Path) -> None:
    bad = GOOD.replace("max: 1, next: first}", "max: 1, next: years}")
    refused(root, bad, "leads to itself", at="next: years}", after="- id: years")


def test_a_yes_no_question_needs_both_branches(root: Path) -> None:
    years = GOOD[GOOD.index("      - id: years") : GOOD.index("    outcomes:")]
    yes_no = "      - id: years\n        kind: yes_no\n        text: {zh: 满2年吗, en: Two years}\n        if_yes: first\n"
    bad = GOOD.replace(years, yes_no).replace("服役{years}", "服役").replace("({years})", "")
    refused(root, bad, "needs `if_yes:` and `if_no:`", at="- id: years")


def test_two_nodes_with_one_id_are_refused(root: Path) -> None:
    bad = GOOD.replace("- id: not_covered", "- id: first").replace(
        "next: not_covered}", "next: first}"
    )
    refused(root, bad, "id 'first' is used twice", at="- id: first", after='result: {zh: "可以申请')


def test_an_entry_offering_a_guide_guides_yaml_lacks_is_refused(root: Path) -> None:
    (root / "guides.yaml").write_text(GOOD, encoding="utf-8")
    kb_file = root / "kb" / "preferential.yaml"
    text = kb_file.read_text(encoding="utf-8")
    kb_file.write_text(
        text.replace("actions: [handoff]", "actions: [handoff, guide:nope]"), encoding="utf-8"
    )
    found = [p for p in problems_of(root) if "guide 'nope'" in p.message]
    assert [(p.path, p.line) for p in found] == [
        (
            "policies/kb/preferential.yaml",
            line_of(kb_file.read_text(encoding="utf-8"), "guide:nope"),
        )
    ]


def test_an_entry_may_offer_its_guide(root: Path) -> None:
    (root / "guides.yaml").write_text(GOOD, encoding="utf-8")
    kb_file = root / "kb" / "preferential.yaml"
    text = kb_file.read_text(encoding="utf-8")
    kb_file.write_text(
        text.replace("actions: [handoff]", "actions: [handoff, guide:card]"), encoding="utf-8"
    )
    assert [p for p in problems_of(root) if not p.warning] == []


def test_policies_check_prints_file_and_line(root: Path) -> None:
    bad = GOOD.replace("next: not_covered}", "next: nowhere}")
    (root / "guides.yaml").write_text(bad, encoding="utf-8")
    result = CliRunner().invoke(app, ["policies", "check", str(root)])
    assert result.exit_code != 0
    assert f"guides.yaml:{line_of(bad, 'next: nowhere')}:" in result.output
