"""Reviewed edits of the knowledge-base YAML: propose, show the diff, check, then write.

An edit is first a `Proposal`: the change computed with ruamel.yaml's round-trip mode, so the
comments, key order and formatting of everything else in the file stay as the admin wrote
them (a change that would reformat lines outside the edited entry or station is refused), and
a unified diff for the admin to read. `Editor.apply` then re-reads the file and refuses when it
changed since the diff was made (a hand edit is never overwritten), writes the candidate into
a temporary copy of the whole policies folder, runs the checks of `vetbot policies check` and
the regression evaluation on the held-out question sets against it, and refuses when a check
fails or accuracy drops on any set. Only then is the file replaced, atomically (a temporary
file in the same folder, then a rename). The running bot picks the change up by its reload.

This module touches files only; `policies.editing_audit` records who did what.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.privacy.masking import mask
from intents.evaluate import Case, Report, evaluate, label, load_cases
from intents.understand import Understanding
from policies.entries import question_key
from policies.errors import PolicyValidationError
from policies.loader import KnowledgeBase, load, problems_of
from policies.schema import ENTRY_ID

KINDS = ("phrasings", "entry", "station")
CONTACT_FIELDS = ("address", "phone", "hours")
# The held-out question sets of tests/intents (see tests/intents/test_quality.py): the
# regression evaluation scores the knowledge base on them before and after an edit.
HELD_OUT_DIR = Path(__file__).resolve().parents[1] / "tests" / "intents"
HELD_OUT_FILES = ("heldout.yaml", "heldout2.yaml", "heldout3.yaml", "real_dev.yaml")
# The fields of a new entry in the order the files write them (policies/schema.py Entry).
ENTRY_FIELDS = (
    "id",
    "title",
    "questions",
    "keywords",
    "answer",
    "detail",
    "en",
    "source",
    "reviewed",
    "valid_from",
    "valid_until",
    "actions",
    "station_level",
)
PHONE = re.compile(r"^[0-9+（）()\- ]{5,40}$")
KEPT_SCORES = 4  # knowledge bases whose held-out scores are kept
MAX_QUESTIONS = 50  # phrasings added in one edit
MAX_TEXT = 4000  # characters of one field


class EditError(Exception):
    """The edit cannot even be proposed (an unknown entry, nothing new…); `reasons` say why."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass(frozen=True)
class Proposal:
    """A change to one file, not written yet."""

    kind: str  # "phrasings" | "entry" | "station"
    subject: str  # the entry or station id
    file: str  # relative to the policies folder, e.g. "kb/preferential.yaml"
    diff: str  # unified diff of the file
    base_digest: str  # sha256 of the file when the change was computed
    candidate: str  # the whole new text of the file
    params: dict[str, Any]  # the inputs, to propose the same change again on confirm
    added: tuple[str, ...] = ()  # phrasings: the questions the edit adds
    skipped: tuple[str, ...] = ()  # phrasings: questions the entry already has

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "file": self.file,
            "diff": self.diff,
            "base_digest": self.base_digest,
            "params": self.params,
            "added": list(self.added),
            "skipped": list(self.skipped),
        }


@dataclass(frozen=True)
class SetScore:
    """One held-out set, scored before and after the edit."""

    name: str
    questions: int
    before: float
    after: float

    @property
    def dropped(self) -> bool:
        return self.after < self.before


@dataclass(frozen=True)
class Evaluation:
    """The regression evaluation of an edit; `regressions` are (expected, now got, count):
    held-out questions answered right before and not after. The questions themselves are not
    shown: some sets are measured only, never read one by one (tests/intents/test_quality.py)."""

    sets: tuple[SetScore, ...] = ()
    regressions: tuple[tuple[str, str, int], ...] = ()
    seconds: float = 0.0
    ran: bool = True

    @property
    def dropped(self) -> bool:
        return any(s.dropped for s in self.sets)

    def as_json(self) -> dict[str, Any]:
        return {
            "ran": self.ran,
            "seconds": round(self.seconds, 2),
            "sets": [
                {
                    "name": s.name,
                    "questions": s.questions,
                    "before": round(s.before, 4),
                    "after": round(s.after, 4),
                }
                for s in self.sets
            ],
            "regressions": [{"expected": e, "got": g, "count": n} for e, g, n in self.regressions],
        }


@dataclass(frozen=True)
class Applied:
    proposal: Proposal
    digest: str  # the file's sha256 after the write
    fingerprint: str  # of the knowledge base now on disk
    evaluation: Evaluation
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.proposal.kind,
            "subject": self.proposal.subject,
            "file": self.proposal.file,
            "digest": self.digest,
            "fingerprint": self.fingerprint,
            "added": list(self.proposal.added),
            "evaluation": self.evaluation.as_json(),
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class Refused:
    """Not written. `reason` is the kind of refusal ("changed", "check", "accuracy", "input");
    `reasons` say it in plain words, `problems` are `file:line: message` of failing checks."""

    reason: str
    reasons: tuple[str, ...]
    problems: tuple[str, ...] = ()
    evaluation: Evaluation | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "reasons": list(self.reasons),
            "problems": list(self.problems),
            "evaluation": self.evaluation.as_json() if self.evaluation else None,
        }


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _yaml() -> YAML:
    """Round-trip YAML set up as the knowledge-base files are written (see KB-FORMAT.md)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never fold a long line the admin wrote on one
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _diff(name: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _only_within(before: str, after: str, start: int, end: int) -> bool:
    """Whether every line outside `before`'s lines [start, end) is kept byte for byte."""
    matcher = difflib.SequenceMatcher(
        None, before.splitlines(keepends=True), after.splitlines(keepends=True), autojunk=False
    )
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 < start or i2 > end:
            return False
    return True


def _text(value: Any, name: str) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > MAX_TEXT:
        raise EditError([f"{name}: at most {MAX_TEXT} characters"])
    return text


def _no_personal_data(texts: Sequence[str], name: str) -> None:
    """The knowledge base is public: a phrasing copied from a chat must not carry anyone's
    ID number or phone."""
    if any(mask(text) != text for text in texts):
        raise EditError([f"{name}: remove the ID number or phone number first"])


def _items(value: Any, name: str) -> list[str]:
    """A list from a list or from text with one item per line (or comma-separated keywords)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = re.split(r"[\n,，、]" if name == "keywords" else r"\n", value)
    elif isinstance(value, list | tuple):
        parts = [str(v) for v in value]
    else:
        raise EditError([f"{name}: expected a list"])
    items = [_text(p, name) for p in parts]
    return [item for item in items if item]


def _scalar(text: str) -> str:
    """A multi-line text as a literal block (`|`), as the files write answers."""
    return LiteralScalarString(text.rstrip("\n") + "\n") if "\n" in text else text


class Editor:
    """Edits of one policies folder. Keeps the held-out cases and the score of the knowledge
    base on disk (by fingerprint) between edits, so a check costs one understanding build
    and one evaluation. `current` may give the knowledge being served, whose understanding is
    reused when it is what the disk holds."""

    def __init__(
        self,
        root: Path,
        held_out: Sequence[Path] | None = None,
        current: Callable[[], tuple[KnowledgeBase, Understanding]] | None = None,
    ) -> None:
        self.root = root
        if held_out is None:
            held_out = [HELD_OUT_DIR / name for name in HELD_OUT_FILES]
        self.held_out = tuple(p for p in held_out if p.is_file())
        self.current = current
        self._cases: dict[str, list[Case]] | None = None
        self._scores: dict[str, Report] = {}  # "fingerprint/set": report
        self._lock = threading.Lock()
        self._disk: tuple[str, str] = ("", "")  # digest of the files on disk, its fingerprint

    # ---- proposing ----

    def propose(self, kind: str, params: dict[str, Any]) -> Proposal:
        """The proposal of `kind` for `params` (the JSON a browser sends back)."""
        if kind == "phrasings":
            return self.propose_phrasings(
                str(params.get("entry_id", "")), _items(params.get("questions"), "questions")
            )
        if kind == "entry":
            return self.propose_entry(dict(params.get("fields") or params))
        if kind == "station":
            contact = {f: params.get(f) for f in CONTACT_FIELDS if params.get(f) is not None}
            return self.propose_station_contact(str(params.get("station_id", "")), **contact)
        raise EditError([f"unknown kind of edit {kind!r} (one of {', '.join(KINDS)})"])

    def propose_phrasings(self, entry_id: str, questions: Sequence[str]) -> Proposal:
        """Add `questions` to the entry's `questions:` (those it already has are skipped)."""
        wanted = [q for q in (_text(q, "questions") for q in questions) if q]
        if not wanted:
            raise EditError(["give at least one question"])
        if len(wanted) > MAX_QUESTIONS:
            raise EditError([f"at most {MAX_QUESTIONS} questions in one edit"])
        _no_personal_data(wanted, "questions")
        path, before, data = self._find_entry(entry_id)
        entries = data["entries"]
        index = next(i for i, e in enumerate(entries) if e.get("id") == entry_id)
        entry = entries[index]
        have = entry.get("questions")
        if not isinstance(have, CommentedSeq):
            raise EditError([f"entry '{entry_id}' has no questions: list to add to"])
        keys = {question_key(str(q)) for q in have}
        added: list[str] = []
        skipped: list[str] = []
        for question in wanted:
            key = question_key(question)
            if key in keys:
                skipped.append(question)
                continue
            keys.add(key)
            added.append(question)
            have.append(question)
        if not added:
            raise EditError([f"entry '{entry_id}' already has every one of these questions"])
        after = _dump(data)
        span = self._span(entries, index, before)
        params = {"entry_id": entry_id, "questions": list(wanted)}
        return self._proposal(
            "phrasings", entry_id, path, before, after, span, params, added, skipped
        )

    def propose_entry(self, fields: dict[str, Any]) -> Proposal:
        """Append a new entry to kb/<category>.yaml (the category is the id's first part)."""
        entry_id = _text(fields.get("id"), "id")
        if not re.match(ENTRY_ID, entry_id):
            raise EditError([f"id {entry_id!r}: write it as category.name (a-z, 0-9, _)"])
        category = entry_id.split(".", 1)[0]
        path = self.root / "kb" / f"{category}.yaml"
        if not path.is_file():
            raise EditError(
                [f"no file kb/{category}.yaml: a new category is added by hand (topics.yaml)"]
            )
        before = path.read_text(encoding="utf-8")
        data = _yaml().load(before)
        entries = data.get("entries") if isinstance(data, CommentedMap) else None
        if not isinstance(entries, CommentedSeq):
            raise EditError([f"kb/{category}.yaml has no entries: list"])
        new = CommentedMap()
        params: dict[str, Any] = {"id": entry_id}
        for name in ENTRY_FIELDS[1:]:
            value = fields.get(name)
            if name in ("questions", "keywords", "actions"):
                items = _items(value, name)
                if name != "actions":
                    _no_personal_data(items, name)
                if items:
                    new[name] = CommentedSeq(items)
                    params[name] = items
                    if name == "keywords":
                        new[name].fa.set_flow_style()
            elif name == "en":
                en = value if isinstance(value, dict) else {}
                title, answer = (
                    _text(en.get("title"), "en.title"),
                    _text(en.get("answer"), "en.answer"),
                )
                if title or answer:
                    new["en"] = CommentedMap([("title", title), ("answer", _scalar(answer))])
                    params["en"] = {"title": title, "answer": answer}
            elif name in ("reviewed", "valid_from", "valid_until"):
                text = _text(value, name) or (
                    date.today().isoformat() if name == "reviewed" else ""
                )
                if text:
                    try:
                        new[name] = date.fromisoformat(text)
                    except ValueError:
                        raise EditError([f"{name}: write the date as YYYY-MM-DD"]) from None
                    params[name] = text
            elif name == "station_level":
                text = _text(value, name)
                if text and text != "town":  # the default is not written
                    new[name] = text
                    params[name] = text
            else:
                text = _text(value, name)
                if text:
                    new[name] = _scalar(text)
                    params[name] = text
        new.insert(0, "id", entry_id)
        entries.append(new)
        # A blank line between the last entry and the new one, as between the others.
        entries.yaml_set_comment_before_after_key(len(entries) - 1, before="\n", indent=2)
        after = _dump(data)
        lines = len(before.splitlines())
        return self._proposal(
            "entry", entry_id, path, before, after, (lines, lines), params, (), ()
        )

    def propose_station_contact(
        self,
        station_id: str,
        address: str | None = None,
        phone: str | None = None,
        hours: str | None = None,
    ) -> Proposal:
        """Set a station's address, phone and opening hours (those given) in stations.yaml."""
        given = {
            name: _text(value, name)
            for name, value in (("address", address), ("phone", phone), ("hours", hours))
            if value is not None
        }
        if not given:
            raise EditError(["give an address, a phone or opening hours"])
        if given.get("phone") and not PHONE.match(given["phone"]):
            raise EditError(["phone: digits, spaces, '-', '+' and brackets only"])
        path = self.root / "stations.yaml"
        before = path.read_text(encoding="utf-8")
        data = _yaml().load(before)
        stations = data.get("stations") if isinstance(data, CommentedMap) else None
        if not isinstance(stations, CommentedSeq):
            raise EditError(["stations.yaml has no stations: list"])
        index = next((i for i, s in enumerate(stations) if s.get("id") == station_id), None)
        if index is None:
            raise EditError([f"no station '{station_id}' in stations.yaml"])
        station = stations[index]
        changed = False
        for name in CONTACT_FIELDS:
            if name not in given or str(station.get(name, "")) == given[name]:
                continue
            changed = True
            if name in station:
                station[name] = given[name]
            else:  # after the fields before it in the schema's order, or after aliases
                keys = list(station.keys())
                anchors = ["aliases", "on_record", "parent", "level", "name_en", "name"]
                anchors = [*reversed(CONTACT_FIELDS[: CONTACT_FIELDS.index(name)]), *anchors]
                at = next((keys.index(a) + 1 for a in anchors if a in keys), len(keys))
                station.insert(at, name, given[name])
        if not changed:
            raise EditError([f"station '{station_id}' already has these details"])
        after = _dump(data)
        span = self._span(stations, index, before)
        params = {"station_id": station_id, **given}
        return self._proposal("station", station_id, path, before, after, span, params, (), ())

    def _find_entry(self, entry_id: str) -> tuple[Path, str, CommentedMap]:
        category = entry_id.split(".", 1)[0] if re.match(ENTRY_ID, entry_id) else ""
        paths = sorted((self.root / "kb").glob("*.yaml"))
        # The entry's own category file first; an entry is found wherever it is.
        paths.sort(key=lambda p: p.stem != category)
        for path in paths:
            text = path.read_text(encoding="utf-8")
            if entry_id not in text:
                continue
            data = _yaml().load(text)
            entries = data.get("entries") if isinstance(data, CommentedMap) else None
            if isinstance(entries, CommentedSeq) and any(
                isinstance(e, CommentedMap) and e.get("id") == entry_id for e in entries
            ):
                return path, text, data
        raise EditError([f"no entry '{entry_id}' in kb/*.yaml"])

    @staticmethod
    def _span(items: CommentedSeq, index: int, before: str) -> tuple[int, int]:
        """The 0-based lines [start, end) of the `index`-th item of a block list, up to the
        next item (or the end of the file)."""
        start = items.lc.item(index)[0]
        end = items.lc.item(index + 1)[0] if index + 1 < len(items) else len(before.splitlines())
        return start, end

    def _proposal(
        self,
        kind: str,
        subject: str,
        path: Path,
        before: str,
        after: str,
        span: tuple[int, int],
        params: dict[str, Any],
        added: Sequence[str],
        skipped: Sequence[str],
    ) -> Proposal:
        if not _only_within(before, after, *span):
            raise EditError(
                [
                    f"{path.name}: this change would also reformat lines outside "
                    f"'{subject}'; make it by hand"
                ]
            )
        name = path.relative_to(self.root).as_posix()
        return Proposal(
            kind=kind,
            subject=subject,
            file=name,
            diff=_diff(name, before, after),
            base_digest=digest(before.encode("utf-8")),
            candidate=after,
            params=params,
            added=tuple(added),
            skipped=tuple(skipped),
        )

    # ---- checking and writing ----

    def apply_params(
        self, kind: str, params: dict[str, Any], base_digest: str
    ) -> Applied | Refused:
        """Confirm what a browser was shown: propose again from the same inputs on the file as
        it is now; refuse when the file is not the one the diff was made from."""
        path = self._path_of(kind, params)
        if path is not None and path.is_file() and digest(path.read_bytes()) != base_digest:
            return _changed(path.relative_to(self.root).as_posix())
        try:
            proposal = self.propose(kind, params)
        except EditError as exc:
            return Refused("input", tuple(exc.reasons))
        if proposal.base_digest != base_digest:
            return _changed(proposal.file)
        return self.apply(proposal)

    def _path_of(self, kind: str, params: dict[str, Any]) -> Path | None:
        if kind == "station":
            return self.root / "stations.yaml"
        if kind == "entry":
            entry_id = str((params.get("fields") or params).get("id", ""))
            return self.root / "kb" / f"{entry_id.split('.', 1)[0]}.yaml" if entry_id else None
        try:  # phrasings: the file that holds the entry now
            return self._find_entry(str(params.get("entry_id", "")))[0]
        except EditError:
            return None

    def apply(self, proposal: Proposal) -> Applied | Refused:
        """Check `proposal` against the folder as it is now and write it, or say why not."""
        started = time.perf_counter()
        path = self.root / proposal.file
        with self._lock:  # one edit at a time: each is checked against the one before
            if digest(path.read_bytes()) != proposal.base_digest:
                return _changed(proposal.file)
            refused, evaluation, fingerprint = self._check(proposal)
            if refused is not None:
                return refused
            # The checks took a moment: a hand edit saved meanwhile still wins.
            if not _replace(path, proposal.candidate.encode("utf-8"), proposal.base_digest):
                return _changed(proposal.file)
            # The folder now holds exactly the candidate's bytes: its scores are the new baseline.
            self._disk = (_tree_digest(self.root), fingerprint)
        return Applied(
            proposal,
            digest(proposal.candidate.encode("utf-8")),
            fingerprint,
            evaluation,
            time.perf_counter() - started,
        )

    def check(self, proposal: Proposal) -> Refused | Evaluation:
        """The checks of `apply` without writing."""
        with self._lock:
            refused, evaluation, _ = self._check(proposal)
        return refused or evaluation

    def _check(self, proposal: Proposal) -> tuple[Refused | None, Evaluation, str]:
        """The refusal (None when every check passes), the evaluation, and the candidate's
        fingerprint."""
        with tempfile.TemporaryDirectory(prefix="vetbot-edit-") as scratch:
            copy = Path(scratch) / self.root.name  # messages name "policies/kb/…" as usual
            shutil.copytree(
                self.root, copy, ignore=shutil.ignore_patterns(".*", "__pycache__", "*.py", "*.pyc")
            )
            (copy / proposal.file).write_text(proposal.candidate, encoding="utf-8")
            try:
                candidate = load(copy)
            except PolicyValidationError as exc:
                errors = [p for p in exc.problems if not p.warning]
                # Problems the folder had before this edit are named as such: the admin
                # must know the edit itself is not what is wrong.
                before = {(p.path, p.message) for p in problems_of(self.root) if not p.warning}
                shown = tuple(
                    f"{p} (already there before this change)"
                    if (p.path, p.message) in before
                    else str(p)
                    for p in errors
                )
                refused = Refused("check", (f"{len(errors)} check(s) failed",), shown)
                return refused, Evaluation(), ""
        evaluation = self.evaluate(candidate)
        if evaluation.dropped:
            dropped = [s for s in evaluation.sets if s.dropped]
            reasons = tuple(
                f"accuracy on {s.name} would drop from {s.before:.1%} to {s.after:.1%}"
                for s in dropped
            )
            refused = Refused("accuracy", reasons, evaluation=evaluation)
            return refused, evaluation, candidate.fingerprint
        return None, evaluation, candidate.fingerprint

    # ---- the regression evaluation ----

    def cases(self) -> dict[str, list[Case]]:
        if self._cases is None:
            self._cases = {path.stem: load_cases(path) for path in self.held_out}
        return self._cases

    def baseline(self) -> str:
        """Score the knowledge base on disk now (cached by its fingerprint); its fingerprint."""
        self._disk_reports()
        return self._disk[1]

    def _disk_reports(self) -> dict[str, Report]:
        """The scores of the knowledge base on disk; loaded only when its files changed."""
        tree = _tree_digest(self.root)
        if self._disk[0] == tree:
            cases = self.cases()
            keys = [f"{self._disk[1]}/{name}" for name in cases]
            if all(key in self._scores for key in keys):
                return {name: self._scores[key] for name, key in zip(cases, keys, strict=True)}
        kb = load(self.root)
        self._disk = (tree, kb.fingerprint)
        return self._reports(kb)

    def _reports(
        self, kb: KnowledgeBase, understanding: Understanding | None = None
    ) -> dict[str, Report]:
        cases = self.cases()
        keys = {name: f"{kb.fingerprint}/{name}" for name in cases}
        if all(key in self._scores for key in keys.values()):
            return {name: self._scores[key] for name, key in keys.items()}
        if understanding is None and self.current is not None:
            served, served_understanding = self.current()
            if served.fingerprint == kb.fingerprint:
                understanding = served_understanding
        if understanding is None:
            understanding = Understanding.build(kb)
        reports = {name: evaluate(understanding, items) for name, items in cases.items()}
        for name, report in reports.items():
            self._scores[keys[name]] = report
        # Only the newest few knowledge bases matter (the one on disk and candidates of it).
        while len(self._scores) > KEPT_SCORES * max(1, len(cases)):
            del self._scores[next(iter(self._scores))]
        return reports

    def evaluate(self, candidate: KnowledgeBase) -> Evaluation:
        """Score `candidate` and the knowledge base on disk on every held-out set."""
        if not self.held_out:
            return Evaluation(ran=False)
        started = time.perf_counter()
        before = self._disk_reports()
        after = self._reports(candidate)
        sets = tuple(
            SetScore(name, len(before[name].outcomes), before[name].accuracy, after[name].accuracy)
            for name in before
        )
        lost: Counter[tuple[str, str]] = Counter()
        for name in before:
            for old, new in zip(before[name].outcomes, after[name].outcomes, strict=True):
                if old.correct and not new.correct:
                    lost[(" / ".join(old.case.expect), label(new.decision))] += 1
        regressions = tuple((e, g, n) for (e, g), n in lost.most_common(10))
        return Evaluation(sets, regressions, time.perf_counter() - started)


def _tree_digest(root: Path) -> str:
    """The YAML files under `root`, names and bytes: whether anything changed since."""
    summary = hashlib.sha256()
    for path in sorted(root.rglob("*.y*ml")):
        summary.update(path.relative_to(root).as_posix().encode() + b"\0")
        summary.update(path.read_bytes() + b"\0")
    return summary.hexdigest()


def _changed(file: str) -> Refused:
    return Refused(
        "changed",
        (
            f"{file} was changed since the diff was shown (by hand or by another admin); "
            "nothing was written: look at the new diff and confirm again",
        ),
    )


def _replace(path: Path, data: bytes, base_digest: str) -> bool:
    """Write `data` over `path` atomically, unless `path` no longer has `base_digest`.

    The new text goes to a temporary file in the same folder (same file system), is flushed
    to disk, and is renamed over the old one: a reader sees the old file or the new one,
    never half of either."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, path.stat().st_mode & 0o777)
        if digest(path.read_bytes()) != base_digest:
            return False
        os.replace(temp, path)
        temp = ""
    finally:
        if temp:
            Path(temp).unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return True


_editors: dict[Path, Editor] = {}
_editors_lock = threading.Lock()


def editor_for(
    root: Path, current: Callable[[], tuple[KnowledgeBase, Understanding]] | None = None
) -> Editor:
    """The one `Editor` of `root` in this process (its caches are kept between requests)."""
    key = root.resolve()
    with _editors_lock:
        editor = _editors.get(key)
        if editor is None:
            editor = _editors[key] = Editor(root, current=current)
        elif current is not None:
            editor.current = current
        return editor


@dataclass(frozen=True)
class Who:
    """Who makes an edit, for the audit log."""

    username: str
    staff_id: int | None = None
    via: str = "web"
    extra: dict[str, Any] = field(default_factory=dict)
