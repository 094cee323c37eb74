"""Answers served and what veterans said of them; the questions that got no good answer."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AnswerFeedback, Unanswered
from storage.models.base import utcnow
from storage.models.feedback import Mark, MissKind
from storage.repositories import core

MAX_QUESTION = 500  # characters kept of a question: a long letter is cut, its start says enough
MAX_ROWS = 5000  # questions read for one inbox view, the newest
_SERVED = insert(core.table(AnswerFeedback)).returning(core.table(AnswerFeedback).c.id)


@dataclass(frozen=True, slots=True)
class Missed:
    """One unanswered question as the inbox reads it: no conversation, no user."""

    id: int
    kind: MissKind
    question: str
    language: str
    candidates: tuple[tuple[str, float], ...]
    entry_id: str | None
    reason: str
    station_id: str | None
    kb_version: str
    mark: Mark
    created_at: datetime


@dataclass(slots=True)
class EntryFigures:
    """How one entry fared over a period: served, rated, and offered in a clarification."""

    served: int = 0
    helpful: int = 0
    not_helpful: int = 0
    clarified: int = 0


@dataclass(frozen=True, slots=True)
class Served:
    """Where one answer was served: what the feedback rows of it keep."""

    entry_id: str
    question: str
    kb_version: str
    station_id: str | None
    channel: str
    language: str
    extra: dict[str, Any] = field(default_factory=dict)


def _missed(row: Unanswered) -> Missed:
    return Missed(
        row.id,
        row.kind,
        row.question,
        row.language,
        tuple((str(name), float(score)) for name, score in row.candidates or []),
        row.entry_id,
        row.reason,
        row.station_id,
        row.kb_version,
        row.mark,
        row.created_at,
    )


class Feedback:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def served(self, conversation_id: int | None, served: Served) -> int:
        """Note an answer served; its id, for the verdict to come."""
        # Core, not the ORM: this runs on every answer a turn serves.
        served_id = await core.scalar(
            self.session,
            _SERVED,
            {
                "conversation_id": conversation_id,
                "entry_id": served.entry_id,
                "question": served.question[:MAX_QUESTION],
                "kb_version": served.kb_version,
                "station_id": served.station_id,
                "channel": served.channel,
                "language": served.language,
                "created_at": utcnow(),
            },
        )
        assert served_id is not None, "the feedback insert returned no id"
        return int(served_id)

    async def latest(self, conversation_id: int, entry_id: str) -> AnswerFeedback | None:
        """The conversation's last answer with `entry_id`: the one its buttons came with."""
        return await self.session.scalar(
            select(AnswerFeedback)
            .where(
                AnswerFeedback.conversation_id == conversation_id,
                AnswerFeedback.entry_id == entry_id,
            )
            .order_by(AnswerFeedback.id.desc())
            .limit(1)
        )

    async def get(self, feedback_id: int) -> AnswerFeedback | None:
        return await self.session.get(AnswerFeedback, feedback_id)

    async def missed(
        self,
        conversation_id: int | None,
        kind: MissKind,
        served: Served,
        candidates: list[tuple[str, float]],
        reason: str = "",
        at: datetime | None = None,
    ) -> int:
        """Note a question that got no good answer; its id."""
        row = Unanswered(
            conversation_id=conversation_id,
            kind=kind,
            question=served.question[:MAX_QUESTION],
            language=served.language,
            candidates=[[name, round(score, 3)] for name, score in candidates],
            entry_id=served.entry_id or None,
            reason=reason,
            station_id=served.station_id,
            kb_version=served.kb_version,
            created_at=at or utcnow(),
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def last_missed(
        self, conversation_id: int, kinds: Collection[MissKind], since: datetime
    ) -> Unanswered | None:
        """The conversation's newest unanswered question of `kinds` since `since`."""
        return await self.session.scalar(
            select(Unanswered)
            .where(
                Unanswered.conversation_id == conversation_id,
                Unanswered.kind.in_(sorted(kinds)),
                Unanswered.created_at >= since,
            )
            .order_by(Unanswered.id.desc())
            .limit(1)
        )

    async def missed_between(
        self, conversation_id: int, kinds: Collection[MissKind], start: datetime, end: datetime
    ) -> list[Unanswered]:
        rows = await self.session.scalars(
            select(Unanswered)
            .where(
                Unanswered.conversation_id == conversation_id,
                Unanswered.kind.in_(sorted(kinds)),
                Unanswered.created_at >= start,
                Unanswered.created_at <= end,
            )
            .order_by(Unanswered.id)
        )
        return list(rows)

    async def inbox(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        stations: frozenset[str] | None = None,
    ) -> list[Missed]:
        """The unanswered questions in [since, until) at `stations` (None: all), newest first;
        a clarification answered by a pick afterwards is not one."""
        query = select(Unanswered).where(Unanswered.picked.is_(False))
        if since is not None:
            query = query.where(Unanswered.created_at >= since)
        if until is not None:
            query = query.where(Unanswered.created_at < until)
        if stations is not None:
            query = query.where(Unanswered.station_id.in_(sorted(stations)))
        rows = await self.session.scalars(query.order_by(Unanswered.id.desc()).limit(MAX_ROWS))
        return [_missed(row) for row in rows]

    async def mark(
        self, ids: Collection[int], mark: Mark, staff_id: int | None, now: datetime
    ) -> int:
        """Record the admin's decision on these questions; how many there were."""
        if not ids:
            return 0
        result = await self.session.execute(
            update(Unanswered)
            .where(Unanswered.id.in_(sorted(ids)))
            .values(
                mark=mark, marked_at=now if mark else None, marked_by=staff_id if mark else None
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def entry_figures(self, since: datetime) -> dict[str, EntryFigures]:
        """Per entry since `since`: answers served, marked helpful and not, clarifications
        that offered it."""
        figures: dict[str, EntryFigures] = {}
        rows = await self.session.execute(
            select(
                AnswerFeedback.entry_id,
                func.count(),
                func.count().filter(AnswerFeedback.helpful.is_(True)),
                func.count().filter(AnswerFeedback.helpful.is_(False)),
            )
            .where(AnswerFeedback.created_at >= since)
            .group_by(AnswerFeedback.entry_id)
        )
        for entry_id, served, helpful, not_helpful in rows:
            figures[entry_id] = EntryFigures(int(served), int(helpful), int(not_helpful))
        offered = await self.session.scalars(
            select(Unanswered.candidates).where(
                Unanswered.kind == "clarify", Unanswered.created_at >= since
            )
        )
        for candidates in offered:
            for name, _score in candidates or []:
                figures.setdefault(str(name), EntryFigures()).clarified += 1
        return figures
