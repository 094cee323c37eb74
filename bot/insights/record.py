"""Recording, as each turn ends, what did not end in a good answer, and every policy answer
served (so a veteran's 有帮助 / 没帮助 finds the question it was about).

Questions are kept masked (ID numbers, phones) and without who asked: the conversation id is
kept only to tie a later pick, verdict or staff answer to the question, and never shown.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.turn import Turn
from bot.insights.sent import sent_entry
from bot.outbox.notify import STAFF  # the outcome staff replies are logged with
from bot.privacy.masking import mask
from intents.decision import Clarify, Fallback
from policies.loader import KnowledgeBase
from storage.models import Ticket, Unanswered
from storage.models.base import utcnow
from storage.models.feedback import MissKind
from storage.repositories.feedback import MAX_QUESTION, Feedback, Served
from storage.repositories.transcript import Transcript

CONSIDERED = 5  # entries kept of those understanding weighed
PICKED_WITHIN = timedelta(hours=6)  # a pick this long after a clarification still answers it
VERDICT_WITHIN = timedelta(days=1)  # 没帮助's account of what was missing, this long after
ASKED_BEFORE = timedelta(hours=1)  # misses before a handoff that its staff answer answers
ASKED_AMONG = 20  # messages before that answer looked through for the question
_DIGITS = re.compile(r"\s*\d{1,2}\s*")

_NOT_HELPFUL: tuple[MissKind, ...] = ("not_helpful",)
_CLARIFY: tuple[MissKind, ...] = ("clarify",)
_MISSED: dict[str, MissKind] = {
    "fallback": "fallback",
    "clarify": "clarify",
    "intent:out_of_scope": "out_of_scope",
}


async def turn_ended(turn: Turn) -> None:
    """Record what came of the turn, if it is an answer served or a question missed."""
    if turn.outcome == "answer" and turn.entry_id:
        await _served(turn, turn.entry_id)
        return
    kind = _MISSED.get(turn.outcome)
    if kind is None and turn.outcome == "handoff" and isinstance(turn.decision, Fallback):
        kind = "fallback"  # not understood twice in a row: handed to a person, still a miss
    text = _typed(turn)
    if kind is not None and text:
        served = _where(turn, mask(text))
        await Feedback(turn.session).missed(turn.state.id, kind, served, considered(turn, text))


def considered(turn: Turn, text: str) -> list[tuple[str, float]]:
    """The entries understanding weighed for `text`, best first, with their scores; for a
    clarification, the ones it offered first. Understanding is pure and quick (well under a
    millisecond for a question), so it is asked again rather than carried through the turn."""
    matches = turn.knowledge.understanding.explain(text[:MAX_QUESTION]).matches
    scores = {m.name: m.score for m in matches if not m.name.startswith("@")}
    names = list(scores)
    if isinstance(turn.decision, Clarify):
        names = [*turn.decision.options, *(n for n in names if n not in turn.decision.options)]
    return [(name, float(scores.get(name, 0.0))) for name in names[:CONSIDERED]]


async def verdict(turn: Turn, entry_id: str, helped: bool) -> int:
    """有帮助 / 没帮助 for the conversation's last answer with `entry_id`; the feedback id. A
    没帮助 puts the question in the inbox, with the entry that did not help."""
    repo = Feedback(turn.session)
    row = await repo.latest(turn.state.id, entry_id)
    if row is None:  # an answer from before feedback was recorded: the verdict still counts
        await repo.served(turn.state.id, _where(turn, "", entry_id))
        row = await repo.latest(turn.state.id, entry_id)
        assert row is not None
    said_before = row.helpful is False  # 没帮助 pressed again: the question is in already
    row.helpful, row.rated_at = helped, utcnow()
    if not helped and row.question and not said_before:
        served = _where(turn, row.question, entry_id)
        await repo.missed(turn.state.id, "not_helpful", served, considered(turn, row.question))
    return row.id


async def missing(turn: Turn, feedback_id: int, text: str) -> None:
    """What the veteran said was missing from an answer they found no help."""
    reason = mask(text.strip())[:MAX_QUESTION]
    repo = Feedback(turn.session)
    row = await repo.get(feedback_id)
    if row is None or row.conversation_id != turn.state.id:
        return
    row.reason = reason
    since = utcnow() - VERDICT_WITHIN
    missed = await repo.last_missed(turn.state.id, _NOT_HELPFUL, since)
    if missed is not None and missed.entry_id == row.entry_id:
        missed.reason = reason


async def staff_answered(session: AsyncSession, kb: KnowledgeBase, ticket: Ticket) -> None:
    """A resolved ticket whose staff replies carried a knowledge-base entry: the questions the
    bot missed before the handoff get that entry as their likely right answer; a question
    asked only of staff is recorded as answered by staff."""
    logged = [m for _, m in await Transcript(session).messages(ticket.conversation_id)]
    opened = ticket.created_at
    replies = [m for m in logged if m.outcome == STAFF and m.created_at >= opened]
    entry = sent_entry(kb.entries, [*(m.text for m in replies), ticket.resolution])
    if entry is None:
        return
    repo = Feedback(session)
    kinds: tuple[MissKind, ...] = ("fallback", "clarify", "out_of_scope")
    now = utcnow()
    earlier = await repo.missed_between(ticket.conversation_id, kinds, opened - ASKED_BEFORE, now)
    for missed in earlier:
        missed.entry_id = missed.entry_id or entry.id
    if earlier:
        return
    # The question is the last one typed before the reply that carried the entry.
    carried = next((m for m in replies if sent_entry([entry], [m.text]) is entry), None)
    before = logged[: logged.index(carried)] if carried is not None else logged
    asked = [
        m.text
        for m in before[-ASKED_AMONG:]
        if m.direction == "in" and m.payload is None and not _DIGITS.fullmatch(m.text)
    ]
    if asked:
        station = ticket.station_id
        served = Served(entry.id, mask(asked[-1]), kb.fingerprint, station, "", "zh")
        await repo.missed(ticket.conversation_id, "staff_answered", served, [])


async def _served(turn: Turn, entry_id: str) -> None:
    repo = Feedback(turn.session)
    text = _typed(turn)
    question = mask(text) if text else await _picked_after_clarify(turn, entry_id)
    await repo.served(turn.state.id, _where(turn, question, entry_id))


async def _picked_after_clarify(turn: Turn, entry_id: str) -> str:
    """An entry picked from the options of a clarification answers its question: that one is
    no longer unanswered, and the answer is about it. "" when the pick answered no question."""
    since = utcnow() - PICKED_WITHIN
    found: Unanswered | None = await Feedback(turn.session).last_missed(
        turn.state.id, _CLARIFY, since
    )
    if found is None or found.picked:
        return ""
    if entry_id not in {str(name) for name, _ in found.candidates or []}:
        return ""
    found.picked, found.entry_id = True, entry_id
    return found.question


def _typed(turn: Turn) -> str:
    """The question the user typed this turn; "" for a picked option or a digit."""
    text = (turn.inbound.text or "").strip()
    if turn.inbound.payload is not None or _DIGITS.fullmatch(text):
        return ""
    return text


def _where(turn: Turn, question: str, entry_id: str = "") -> Served:
    home = turn.state.station_id
    station = turn.kb.serving(home) if home else turn.kb.county_station()
    return Served(
        entry_id=entry_id,
        question=question,
        kb_version=turn.kb.fingerprint,
        station_id=station.id,
        channel=turn.inbound.channel,
        language=turn.state.language,
    )
