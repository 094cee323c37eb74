"""Reviewed edits of the knowledge-base YAML (policies/editing.py), on a copy of the fixture
policies: the rest of the file kept byte for byte, a hand edit never overwritten, failing checks
and accuracy drops refused with their reasons, the write atomic."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from policies.editing import Applied, EditError, Editor, Refused, _replace, digest
from policies.loader import load
from tests.paths import FIXTURE_KB

# Comments and layout an admin might have written, put into the copy before editing.
HEADER = "# 优抚优待 — 测试用的注释，编辑时必须原样保留\n"
INLINE = "      - 优待证在哪里办  # 群众最常问的说法\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the fixture policies, with comments in kb/preferential.yaml."""
    copy = tmp_path / "policies"
    shutil.copytree(FIXTURE_KB, copy)
    path = copy / "kb" / "preferential.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("      - 优待证在哪里办\n", INLINE, 1)
    text = text.replace(
        "  - id: preferential.card_loss\n",
        "\n  # ---- 挂失补办 ----\n  - id: preferential.card_loss\n",
        1,
    )
    path.write_text(HEADER + text, encoding="utf-8")
    load(copy)  # still a valid knowledge base
    return copy


def _editor(root: Path, *held_out: Path) -> Editor:
    return Editor(root, held_out=list(held_out))


def test_added_phrasings_keep_every_other_byte_of_the_file(root: Path) -> None:
    path = root / "kb" / "preferential.yaml"
    before = path.read_bytes()
    editor = _editor(root)
    proposal = editor.propose_phrasings("preferential.card", ["优待证到哪去办呀", "优待证怎么办理"])
    assert proposal.added == ("优待证到哪去办呀",)
    assert proposal.skipped == ("优待证怎么办理",)  # already one of its questions
    assert "+      - 优待证到哪去办呀\n" in proposal.diff
    assert path.read_bytes() == before  # a proposal writes nothing

    result = editor.apply(proposal)
    assert isinstance(result, Applied), result
    after = path.read_bytes()
    new_line = "      - 优待证到哪去办呀\n".encode()
    # Exactly one line more, after the entry's last question; everything else byte for byte.
    last = b"      - How do I apply for the veteran preferential card?\n"
    at = before.index(last) + len(last)
    assert after == before[:at] + new_line + before[at:]
    assert HEADER.encode() in after and INLINE.encode() in after
    assert "优待证到哪去办呀" in load(root).entry("preferential.card").questions  # type: ignore[union-attr]


def test_a_station_phone_is_filled_in_where_the_schema_puts_it(root: Path) -> None:
    path = root / "stations.yaml"
    before = path.read_text(encoding="utf-8")
    editor = _editor(root)
    result = editor.apply(editor.propose_station_contact("wukou", phone="0730-6123456"))
    assert isinstance(result, Applied), result
    after = path.read_text(encoding="utf-8")
    anchor = "    aliases: [浯口, 浯口镇]\n"
    assert after == before.replace(anchor, anchor + "    phone: 0730-6123456\n")
    assert load(root).station("wukou").phone == "0730-6123456"  # type: ignore[union-attr]
    with pytest.raises(EditError, match="already has"):
        editor.propose_station_contact("wukou", phone="0730-6123456")


def test_a_new_entry_is_appended_with_the_schemas_fields(root: Path) -> None:
    path = root / "kb" / "service.yaml"
    before = path.read_text(encoding="utf-8")
    editor = _editor(root)
    fields = {
        "id": "service.parking",
        "title": "服务中心停车",
        "questions": "服务中心能停车吗\n去服务中心车停哪里\n服务中心有没有停车场",
        "keywords": "停车, 停车场",
        "answer": "测试答案：第一行。\n测试答案：第二行。",
        "source": "测试来源丁",
        "reviewed": "2026-11-30",
        "en": {"title": "Parking", "answer": "Test answer."},
    }
    proposal = editor.propose_entry(fields)
    result = editor.apply(proposal)
    assert isinstance(result, Applied), result
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # appended; nothing before it touched
    entry = load(root).entry("service.parking")
    assert entry is not None and entry.reviewed.isoformat() == "2026-11-30"
    assert entry.answer == "测试答案：第一行。\n测试答案：第二行。"
    assert entry.keywords == ["停车", "停车场"] and entry.en is not None
    assert "    answer: |\n" in after[len(before) :]


def test_a_hand_edit_made_after_the_diff_is_never_overwritten(root: Path) -> None:
    path = root / "kb" / "preferential.yaml"
    editor = _editor(root)
    proposal = editor.propose_phrasings("preferential.card", ["优待证到哪去办呀"])
    hand = path.read_text(encoding="utf-8") + "# 管理员手工加的一行\n"
    path.write_text(hand, encoding="utf-8")

    result = editor.apply(proposal)
    assert isinstance(result, Refused) and result.reason == "changed"
    assert "changed since the diff was shown" in result.reasons[0]
    assert path.read_text(encoding="utf-8") == hand
    # The browser's way (the inputs and the digest it was shown) is refused the same way.
    again = editor.apply_params("phrasings", proposal.params, proposal.base_digest)
    assert isinstance(again, Refused) and again.reason == "changed"
    assert path.read_text(encoding="utf-8") == hand


def test_a_change_that_fails_the_checks_is_refused_with_the_reason(root: Path) -> None:
    path = root / "kb" / "preferential.yaml"
    before = path.read_bytes()
    editor = _editor(root)
    # "优待证挂失" is already a question of preferential.card_loss: one entry per question.
    result = editor.apply(editor.propose_phrasings("preferential.card", ["优待证挂失"]))
    assert isinstance(result, Refused) and result.reason == "check"
    [problem] = result.problems
    assert problem.startswith("policies/kb/preferential.yaml:")
    assert "'优待证挂失' is claimed by 'preferential.card_loss' and by 'preferential.card'" in (
        problem
    )
    assert path.read_bytes() == before


def test_a_change_that_lowers_held_out_accuracy_is_refused(root: Path, tmp_path: Path) -> None:
    held_out = tmp_path / "heldout.yaml"
    cases = [
        {"q": "优待证弄丢了怎么补", "expect": "preferential.card_loss"},
        {"q": "优待证怎么申请", "expect": "preferential.card"},
    ]
    held_out.write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
    editor = _editor(root, held_out)
    path = root / "kb" / "preferential.yaml"
    before = path.read_bytes()

    harmless = editor.apply(editor.propose_phrasings("preferential.card", ["优待证去哪儿申请"]))
    assert isinstance(harmless, Applied), harmless
    [score] = harmless.evaluation.sets
    assert score.before == score.after == 1.0

    stolen = editor.propose_phrasings("preferential.card", ["优待证弄丢了怎么补"])
    refused = editor.apply(stolen)
    assert isinstance(refused, Refused) and refused.reason == "accuracy", refused
    assert refused.reasons == ("accuracy on heldout would drop from 100.0% to 50.0%",)
    assert refused.evaluation is not None
    assert refused.evaluation.regressions == (("preferential.card_loss", "preferential.card", 1),)
    assert path.read_bytes() != before and b"\xe5\xbc\x84\xe4\xb8\xa2" not in path.read_bytes()


def test_the_write_is_atomic_and_leaves_no_temporary_file(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = root / "kb" / "preferential.yaml"
    os.chmod(path, 0o640)
    before = path.read_bytes()
    inode = path.stat().st_ino
    editor = _editor(root)
    proposal = editor.propose_phrasings("preferential.card", ["优待证到哪去办呀"])

    def crash(src: str, dst: str) -> None:
        raise OSError("disk gone")

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", crash)
        with pytest.raises(OSError, match="disk gone"):
            editor.apply(proposal)
    assert path.read_bytes() == before  # a failed write leaves the old file whole
    assert sorted(p.name for p in path.parent.iterdir()) == ["preferential.yaml", "service.yaml"]

    assert isinstance(editor.apply(proposal), Applied)
    assert path.stat().st_ino != inode  # a new file renamed over the old one, not rewritten
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["preferential.yaml", "service.yaml"]
    # And the last look before the rename: a file changed meanwhile is not replaced.
    assert not _replace(path, b"category: x\n", digest(before))
    assert path.read_bytes() == proposal.candidate.encode()


def test_what_cannot_be_proposed_says_why(root: Path) -> None:
    editor = _editor(root)
    with pytest.raises(EditError, match=r"no entry 'preferential\.nothing'"):
        editor.propose_phrasings("preferential.nothing", ["随便问问"])
    with pytest.raises(EditError, match="ID number or phone"):
        editor.propose_phrasings("preferential.card", ["我电话13812345678优待证怎么办"])
    with pytest.raises(EditError, match="already has every one"):
        editor.propose_phrasings("preferential.card", ["优待证怎么办理"])
    with pytest.raises(EditError, match="new category"):
        editor.propose_entry({"id": "housing.rent", "title": "租房"})
    with pytest.raises(EditError, match="no station"):
        editor.propose_station_contact("nowhere", phone="0730-1234567")
    with pytest.raises(EditError, match="phone"):
        editor.propose_station_contact("wukou", phone="问村里")
