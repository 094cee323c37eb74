"""The knowledge-base page's figures, on SQLite and PostgreSQL: answers served and rated (the
feedback table), clarifications that offered an entry (the message log), in the last 30 days,
over a station head's stations only when asked."""

from __future__ import annotations

from datetime import timedelta

from bot.web.admin.kb import figures
from storage.database import Database
from storage.models import Conversation, LoggedMessage, User
from storage.models.base import utcnow
from storage.models.feedback import AnswerFeedback


async def _conversation(database: Database, station: str | None) -> int:
    async with database.transaction() as session:
        user = User()
        session.add(user)
        await session.flush()
        conversation = Conversation(
            channel="web",
            chat_id=f"c{user.id}",
            external_user_id=f"u{user.id}",
            user_id=user.id,
            station_id=station,
        )
        session.add(conversation)
        await session.flush()
        return conversation.id


async def test_figures_count_the_last_30_days_of_the_stations_asked(database: Database) -> None:
    now = utcnow()
    tongshi = await _conversation(database, "tongshi")
    wukou = await _conversation(database, "wukou")
    offered = [
        ["退役军人优待证申领", "entry:preferential.card"],
        ["挂失", "entry:preferential.card_loss"],
        ["联系工作人员", "handoff"],
    ]
    async with database.transaction() as session:
        for station, helpful, days in (
            ("tongshi", True, 1),
            ("tongshi", False, 2),
            ("tongshi", None, 3),
            ("wukou", True, 1),
            ("tongshi", True, 45),
        ):
            session.add(
                AnswerFeedback(
                    entry_id="preferential.card",
                    station_id=station,
                    helpful=helpful,
                    created_at=now - timedelta(days=days),
                )
            )
        for conversation, days in ((tongshi, 1), (wukou, 2), (tongshi, 40)):
            session.add(
                LoggedMessage(
                    conversation_id=conversation,
                    direction="out",
                    text="您想问的是哪一个？",
                    options=offered,
                    outcome="clarify",
                    created_at=now - timedelta(days=days),
                )
            )
    since = now - timedelta(days=30)

    every, none = await figures(database, since, None)
    assert (none.served, none.helpful, none.not_helpful, none.clarified) == (0, 0, 0, 0)
    card = every["preferential.card"]
    assert (card.served, card.helpful, card.not_helpful, card.clarified) == (4, 2, 1, 2)
    assert every["preferential.card_loss"].clarified == 2
    assert every["preferential.card_loss"].served == 0

    theirs, _ = await figures(database, since, frozenset({"tongshi", "tongshi_village"}))
    card = theirs["preferential.card"]
    assert (card.served, card.helpful, card.not_helpful, card.clarified) == (3, 1, 1, 1)
    assert set(theirs) == {"preferential.card", "preferential.card_loss"}
