"""The web chat's sending side. The page has nothing to push to: it polls `/api/updates`, so
delivering a message to it is writing the message into its conversation's log, marked as sent
later (status changes, reminders and anything else queued in the outbox for the web)."""

from __future__ import annotations

from bot.channels.base import ConversationKey, DeliveryError, Outbound
from bot.staff.delivery import NOTICE
from storage.database import Database
from storage.models.base import utcnow
from storage.repositories.conversations import Conversations
from storage.repositories.messages import Logged, MessageLog


class WebSender:
    channel = "web"

    def __init__(self, database: Database) -> None:
        self.database = database

    async def send(self, key: ConversationKey, replies: list[Outbound]) -> None:
        now = utcnow()
        async with self.database.transaction() as session:
            conversation = await Conversations(session).find(key.channel, key.chat_id, key.user_id)
            if conversation is None:
                raise DeliveryError(f"no web conversation {key}", permanent=True)
            logged = [
                Logged(
                    "out",
                    r.text,
                    now,
                    options=[(o.label, o.payload) for o in r.options],
                    outcome=NOTICE,
                )
                for r in replies
            ]
            await MessageLog(session).add_all(conversation, logged)
