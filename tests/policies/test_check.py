"""`vetbot policies check`: every kind of bad edit is reported as `file:line: message`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import DEFAULT_KB_DIR
from policies.errors import PolicyValidationError
from policies.loader import load

GOOD_ENTRY = """\
category: extra
entries:
  - id: extra.sample
    title: 示例
    questions: [示例问题一, 示例问题二]
    answer: 这是一个示例回答。
    source: 示例来源
    reviewed: 2026-11-29
    actions: [booking]
"""


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    """A copy of the real policies folder to break."""
    root = tmp_path / "policies"
    shutil.copytree(DEFAULT_KB_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    topics = root / "topics.yaml"
    topics.write_text(
        topics.read_text(encoding="utf-8").replace(
            "categories:\n", "categories:\n  extra: {zh: 示例, en: Example}\n", 1
        ),
        encoding="utf-8",
    )
    return root


def check(root: Path) -> tuple[int, str]:
    """Run the real command in-process (the console script is one more process per test)."""
    result = CliRunner().invoke(app, ["policies", "check", str(root)], terminal_width=200)
    return result.exit_code, result.output


def write(root: Path, text: str) -> None:
    (root / "kb" / "extra.yaml").write_text(text, encoding="utf-8")


def test_the_shipped_knowledge_base_passes(policies: Path) -> None:
    write(policies, GOOD_ENTRY)
    code, output = check(policies)
    assert code == 0, output
    assert "知识库检查通过" in output


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (  # bad indentation
            GOOD_ENTRY.replace("    title: 示例", "   title: 示例"),
            "kb/extra.yaml:4: YAML syntax error",
        ),
        (  # a tab
            GOOD_ENTRY.replace("    answer:", "\tanswer:"),
            "kb/extra.yaml:6: a tab is used for indentation",
        ),
        (  # wrong type
            GOOD_ENTRY.replace("questions: [示例问题一, 示例问题二]", "questions: 示例问题"),
            "kb/extra.yaml:5: entries.0.questions: Input should be a valid list",
        ),
        (  # empty answer
            GOOD_ENTRY.replace("这是一个示例回答。", '""'),
            "kb/extra.yaml:6: entries.0.answer: String should have at least 1 character",
        ),
        (  # unknown field
            GOOD_ENTRY.replace("    source:", "    sauce: x\n    source:"),
            "kb/extra.yaml:7: entries.0.sauce: unknown field",
        ),
        (  # dangling action
            GOOD_ENTRY.replace("[booking]", "[request:no_such_form]"),
            "kb/extra.yaml:9: action 'request:no_such_form' names request type 'no_such_form'",
        ),
        (  # a key twice
            GOOD_ENTRY.replace("    source: 示例来源", "    source: 示例来源\n    source: 又一个"),
            "kb/extra.yaml:8: key 'source' appears twice",
        ),
        (  # wrong category prefix
            GOOD_ENTRY.replace("id: extra.sample", "id: honor.sample"),
            "kb/extra.yaml:3: id 'honor.sample' is not in this file's category 'extra'",
        ),
    ],
)
def test_each_broken_edit_is_named_with_its_line(
    policies: Path, broken: str, expected: str
) -> None:
    write(policies, broken)
    code, output = check(policies)
    assert code == 1, output
    assert expected in output, output
    assert "知识库有错误" in output


def test_duplicate_id_names_both_places(policies: Path) -> None:
    second = GOOD_ENTRY.split("entries:\n")[1].replace("示例问题", "别的问题")
    write(policies, GOOD_ENTRY + second)
    code, output = check(policies)
    assert code == 1
    assert "kb/extra.yaml:10: duplicate id 'extra.sample' (also policies/kb/extra.yaml:3)" in output


def test_a_question_claimed_by_two_entries(policies: Path) -> None:
    card = load(DEFAULT_KB_DIR).entry("preferential.card")
    assert card is not None
    write(policies, GOOD_ENTRY.replace("示例问题一", card.questions[0]))
    code, output = check(policies)
    assert code == 1
    assert f"question '{card.questions[0]}' is claimed by" in output
    assert "'extra.sample'" in output and "'preferential.card'" in output


def test_a_missing_topic(policies: Path) -> None:
    (policies / "kb" / "honor.yaml").unlink()
    code, output = check(policies)
    assert code == 1
    assert "topic 'honor.awards'" in output and "has no entry" in output


def test_loader_collects_every_problem_not_just_the_first(policies: Path) -> None:
    write(
        policies,
        GOOD_ENTRY.replace("这是一个示例回答。", '""').replace("[booking]", "[request:nope]"),
    )
    with pytest.raises(PolicyValidationError) as caught:
        load(policies)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) >= 1
    assert all(":" in m for m in messages)


def test_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "policies", "check", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "file:line" in result.stdout


def test_a_broken_file_reports_its_real_error_without_knock_on_topics(policies: Path) -> None:
    path = policies / "kb" / "preferential.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("entries:", "entries: [", 1))
    code, output = check(policies)
    assert code == 1
    assert "kb/preferential.yaml:" in output and "YAML syntax error" in output, output
    assert "has no entry" not in output, output
