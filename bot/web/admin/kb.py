"""The knowledge base at a glance (/staff/admin/kb) and its reviewed edits.

Admins see every entry with its figures of the last 30 days, the stale ones flagged, the
stations' contact details, and edit through the reviewed-edit path of `policies.editing`
(propose: a diff; apply: checks, regression evaluation, atomic write, audit, reload). Station
heads see the same figures counted over their own stations, read only. Anyone else gets 404.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import case, func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.console import render
from bot.conversation.knowledge import KnowledgeStore
from bot.conversation.preview import replies_to, why
from bot.errors import NotVisible
from bot.staff.permissions import may_edit_kb, may_see_kb, visible_stations
from bot.web.staff.auth import ActingDep, Console, ConsoleDep
from bot.web.staff.pages import shell
from intents.decision import Clarify
from intents.normalize import normalize
from policies.editing import EditError, Editor, Refused, Who, editor_for
from policies.editing_audit import confirm
from policies.loader import KnowledgeBase
from policies.schema import Entry
from storage.database import Database
from storage.models import Conversation, LoggedMessage
from storage.models.feedback import AnswerFeedback

router = APIRouter(include_in_schema=False)

DAYS = 30
STALE_AFTER = timedelta(days=365)
MAX_QUESTION = 500
# "《军人抚恤优待条例》（2024年修订" — a document and the year of the version cited.
_CITED = re.compile(r"《([^》]{2,60})》\s*[（(]?\s*(\d{4})")
_warming: set[asyncio.Task[Any]] = set()


def _editor(c: Console) -> Editor:
    store = c.services.knowledge

    def current() -> tuple[KnowledgeBase, Any]:
        knowledge = store.current
        return knowledge.kb, knowledge.understanding

    return editor_for(c.services.settings.policies_dir, current=current)


def _seeing(c: Console) -> None:
    if not may_see_kb(c.staff):
        raise NotVisible  # 404: the page does not exist for them


def _editing(c: Console) -> None:
    if not may_edit_kb(c.staff):
        raise NotVisible


@router.get("/staff/admin/kb")
async def kb_page(c: ConsoleDep) -> Response:
    if not may_see_kb(c.staff):
        return shell(c.lang, "missing", csrf=c.csrf, status=404)
    return shell(c.lang, "kb", csrf=c.csrf, scripts=("admin-edit.js", "admin-kb.js"))


# ---- figures ----


@dataclass
class Figures:
    served: int | None = None  # None: the feedback table could not be read
    helpful: int | None = None
    not_helpful: int | None = None
    clarified: int = 0


async def figures(
    database: Database, since: datetime, stations: frozenset[str] | None
) -> tuple[dict[str, Figures], Figures]:
    """Per entry since `since`: answers served and rated (the feedback table), clarifications
    that offered it (the message log); counted over `stations` (all when None). Second, the
    figures of an entry not in the first (zeros, or unknown without the feedback table)."""
    found: dict[str, Figures] = {}
    try:
        async with database.transaction() as session:
            statement = (
                select(
                    AnswerFeedback.entry_id,
                    func.count(),
                    func.sum(case((AnswerFeedback.helpful.is_(True), 1), else_=0)),
                    func.sum(case((AnswerFeedback.helpful.is_(False), 1), else_=0)),
                )
                .where(AnswerFeedback.created_at >= since)
                .group_by(AnswerFeedback.entry_id)
            )
            if stations is not None:
                statement = statement.where(AnswerFeedback.station_id.in_(sorted(stations)))
            for entry_id, served, helpful, not_helpful in await session.execute(statement):
                found[entry_id] = Figures(served, int(helpful or 0), int(not_helpful or 0))
        rated = True
    except SQLAlchemyError:  # the feedback table is not there (yet): show what we know
        rated = False
    async with database.transaction() as session:
        statement = (
            select(LoggedMessage.options)
            .join(Conversation, Conversation.id == LoggedMessage.conversation_id)
            .where(LoggedMessage.outcome == "clarify", LoggedMessage.created_at >= since)
            .where(LoggedMessage.direction == "out")
        )
        if stations is not None:
            statement = statement.where(Conversation.station_id.in_(sorted(stations)))
        clarified: Counter[str] = Counter()
        for options in await session.scalars(statement):
            offered = {
                str(o[1])[len("entry:") :]
                for o in options or []
                if len(o) > 1 and str(o[1]).startswith("entry:")
            }
            clarified.update(offered)
    for entry_id, count in clarified.items():
        found.setdefault(entry_id, Figures(0, 0, 0) if rated else Figures()).clarified = count
    return found, Figures(0, 0, 0) if rated else Figures()


def _superseded(kb: KnowledgeBase) -> dict[str, str]:
    """Entries citing an older version of a document another entry cites a newer version of:
    entry id -> the newer version ("《…》 2024")."""
    newest: dict[str, int] = {}
    cited: dict[str, list[tuple[str, int]]] = {}
    for entry in kb.entries:
        for name, year in _CITED.findall(entry.source):
            newest[name] = max(newest.get(name, 0), int(year))
            cited.setdefault(entry.id, []).append((name, int(year)))
    return {
        entry_id: f"《{name}》{newest[name]}"
        for entry_id, documents in cited.items()
        for name, year in documents
        if year < newest[name]
    }


def stale(entry: Entry, today: date, superseded: dict[str, str]) -> list[str]:
    """Why an entry needs a look: reviewed over a year ago, past its end date, an old source."""
    reasons = []
    if entry.reviewed < today - STALE_AFTER:
        reasons.append("reviewed")
    if entry.valid_until and entry.valid_until < today:
        reasons.append("expired")
    if entry.id in superseded:
        reasons.append("superseded")
    return reasons


def _matches(entry: Entry, needle: str) -> bool:
    if not needle:
        return True
    texts = [entry.id, entry.title, entry.answer, entry.source, *entry.questions, *entry.keywords]
    if entry.en:
        texts += [entry.en.title, entry.en.answer]
    wanted = normalize(needle)
    return any(
        needle.lower() in text.lower() or (wanted and wanted in normalize(text)) for text in texts
    )


@router.get("/api/staff/admin/kb")
async def overview(c: ConsoleDep, q: str = "") -> dict[str, Any]:
    """Every entry (or those matching `q`) with its figures, and the stations."""
    _seeing(c)
    kb = c.services.knowledge.current.kb
    stations = visible_stations(kb, c.staff)
    editable = may_edit_kb(c.staff)
    if editable:
        _warm(_editor(c))
    today = c.now.date()
    counts, none = await figures(c.services.database, c.now - timedelta(days=DAYS), stations)
    superseded = _superseded(kb)
    rows = []
    for entry in kb.entries:
        if not _matches(entry, q.strip()[:MAX_QUESTION]):
            continue
        shown = counts.get(entry.id, none)
        category = kb.categories.get(entry.category)
        rows.append(
            {
                "id": entry.id,
                "title": entry.en.title if c.lang == "en" and entry.en else entry.title,
                "category": (category.en if c.lang == "en" else category.zh)
                if category
                else entry.category,
                "questions": len(entry.questions),
                "source": entry.source,
                "reviewed": entry.reviewed.isoformat(),
                "valid_until": entry.valid_until.isoformat() if entry.valid_until else None,
                "served": shown.served,
                "clarified": shown.clarified,
                "helpful": shown.helpful,
                "not_helpful": shown.not_helpful,
                "stale": stale(entry, today, superseded),
                "superseded_by": superseded.get(entry.id),
            }
        )
    return {
        "editable": editable,
        "days": DAYS,
        "fingerprint": kb.fingerprint,
        "entries": rows,
        "stations": [
            _station(kb, s.id, c.lang)
            for s in kb.stations
            if s.on_record and (stations is None or s.id in stations)
        ],
    }


def _station(kb: KnowledgeBase, station_id: str, lang: str) -> dict[str, Any]:
    station = kb.station(station_id)
    assert station is not None
    return {
        "id": station.id,
        "name": station.name_en if lang == "en" and station.name_en else station.name,
        "level": station.level,
        "address": station.address,
        "phone": station.phone,
        "hours": station.hours,
    }


def _warm(editor: Editor) -> None:
    """Score the knowledge base on the held-out sets in the background, so the admin's first
    confirm costs only the candidate's evaluation."""
    if _warming:
        return
    task = asyncio.create_task(asyncio.to_thread(editor.baseline))
    _warming.add(task)
    task.add_done_callback(_warming.discard)


# ---- what would the bot answer ----


class Question(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION)


@router.post("/api/staff/admin/kb/ask")
async def ask(body: Question, c: ActingDep) -> dict[str, Any]:
    """The replies a new veteran would get (the real engine, as `vetbot ask`), and why."""
    _seeing(c)
    # The functions of `vetbot ask --explain`, so the page and the CLI can never disagree.
    knowledge = c.services.knowledge.current
    replies = await replies_to(c.services.settings, knowledge, body.question)
    explanation = knowledge.understanding.explain(body.question)
    decision = explanation.decision
    return {
        "replies": [render(reply) for reply in replies],
        "explain": {
            "decision": type(decision).__name__.lower(),
            "entry": getattr(decision, "entry_id", None) or getattr(decision, "name", None),
            "options": list(decision.options) if isinstance(decision, Clarify) else [],
            "score": round(decision.score, 4),
            "normalised": explanation.text,
            "why": why(explanation),
            "matches": [
                {
                    "name": m.name,
                    "bm25": round(m.bm25, 3),
                    "dice": round(m.dice, 3),
                    "pinyin": round(m.pinyin, 3),
                    "score": round(m.score, 3),
                    "phrasing": m.phrasing,
                }
                for m in explanation.matches[:5]
            ],
        },
    }


# ---- reviewed edits ----


class Proposed(BaseModel):
    kind: str = Field(pattern=r"^(phrasings|entry|station)$")
    params: dict[str, Any]


class Confirmed(Proposed):
    base_digest: str = Field(pattern=r"^[0-9a-f]{64}$")


@router.post("/api/staff/admin/kb/propose")
async def propose(body: Proposed, c: ActingDep) -> Response:
    """The diff of an edit, not written; 422 with the reasons when it cannot be made."""
    _editing(c)
    editor = _editor(c)
    _warm(editor)  # while the admin reads the diff
    try:
        proposal = await asyncio.to_thread(editor.propose, body.kind, body.params)
    except EditError as exc:
        return JSONResponse({"detail": "; ".join(exc.reasons), "reasons": exc.reasons}, 422)
    return JSONResponse(proposal.as_json())


@router.post("/api/staff/admin/kb/apply")
async def apply(body: Confirmed, c: ActingDep) -> Response:
    """Write the edit the admin saw, after the checks; audited either way, then served."""
    _editing(c)
    who = Who(c.staff.username, c.staff.id, via="web")
    store: KnowledgeStore = c.services.knowledge
    result = await confirm(
        _editor(c), who, c.services.database, body.kind, body.params, body.base_digest, store
    )
    if isinstance(result, Refused):
        refused = result.as_json()
        status = 409 if refused["reason"] == "changed" else 422
        detail = "; ".join([*refused["reasons"], *refused["problems"]][:6])
        return JSONResponse({"detail": detail, "refused": refused}, status)
    return JSONResponse({"applied": result.as_json(), "fingerprint": store.current.kb.fingerprint})
