"""Per-entry figures for the knowledge-base page: answers served, 有帮助 and 没帮助, and
clarifications that offered the entry, counted from the feedback tables."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.payloads import Helped, build
from storage.models.base import utcnow
from storage.repositories.feedback import Feedback
from tests.bot.chatting import Chat


async def test_served_rated_and_clarified_are_counted_per_entry(chat: Chat) -> None:
    await chat.say("优待证怎么办理")
    await chat.pick(build(Helped("preferential.card", True)))
    await chat.say("优待证怎么办理")
    await chat.pick(build(Helped("preferential.card", False)))
    await chat.say("跳过")
    await chat.say("优待证")  # a clarification offering both card entries
    async with chat.engine.database.transaction() as session:
        figures = await Feedback(session).entry_figures(utcnow() - timedelta(days=30))
        later = await Feedback(session).entry_figures(utcnow() + timedelta(days=1))
    card = figures["preferential.card"]
    assert (card.served, card.helpful, card.not_helpful, card.clarified) == (2, 1, 1, 1)
    assert figures["preferential.card_loss"].clarified == 1
    assert later == {}
