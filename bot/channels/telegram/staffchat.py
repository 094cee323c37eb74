"""Telegram staff chats: a station's staff group, where alerts arrive and staff may answer.

In a staff chat a reply to an alert answers the veteran, the alert's 认领 button claims its
ticket and `/link CODE` links the sender's account (`bot.staff.alerts.answers` decides all of
it); the answer goes back to the chat, or as the button's notice when only the presser needs
it. Updates from other groups are dropped: the bot talks to veterans one to one only.

For the bot to see replies in a group, privacy mode may stay on (replies to the bot's own
messages and commands reach it); for the buttons nothing is needed.
"""

from __future__ import annotations

import logging

from bot.channels.telegram.client import TelegramClient, TelegramSender
from bot.channels.telegram.updates import CHANNEL, AiogramError, CallbackQuery, Message, Update
from bot.conversation.types import ConversationKey, Outbound
from bot.coordination.types import Slots
from bot.outbox.sender import DeliveryError
from bot.staff.alerts.answers import ChatWords, Said, StaffChat
from bot.staff.alerts.pace import TELEGRAM_GROUP_PER_MINUTE, Pace
from bot.staff.alerts.targets import STAFF_TELEGRAM

log = logging.getLogger(__name__)

NOTICE_LIMIT = 200  # characters Telegram shows in a button's notice


class TelegramStaffChat:
    def __init__(self, client: TelegramClient, staff: StaffChat) -> None:
        self._client = client
        self._staff = staff

    async def answer(self, update: Update) -> bool:
        """Answer `update` if it comes from a group; False for a private chat's (the engine's)."""
        if update.message is not None:
            if update.message.chat.type == "private":
                return False
            await self._message(update.message)
            return True
        query = update.callback_query
        if query is not None and query.message is not None and query.message.chat.type != "private":
            await self._press(query)
            return True
        return False

    async def _message(self, message: Message) -> None:
        chat_id, sender = str(message.chat.id), message.from_user
        if sender is None or sender.is_bot or not self._staff.serves(chat_id):
            return
        replied = message.reply_to_message
        author = replied.from_user if replied is not None else None
        # Only the bot's own messages name a ticket: a quoted member's message could be made up.
        alert = (
            replied.text
            if replied is not None and author and author.id == self._client.bot.id
            else None
        )
        words = ChatWords(
            chat_id,
            str(sender.id),
            f"{chat_id}:{message.message_id}",
            text=message.text,
            replied_to=alert,
        )
        said = await self._staff.answer(words)
        if said is not None:
            await self._say(chat_id, said)

    async def _press(self, query: CallbackQuery) -> None:
        assert query.message is not None
        chat_id = str(query.message.chat.id)
        said = None
        if not query.from_user.is_bot and self._staff.serves(chat_id) and query.data:
            words = ChatWords(
                chat_id, str(query.from_user.id), f"cb:{query.id}", pressed=query.data
            )
            said = await self._staff.answer(words)
        try:
            notice = said.text[:NOTICE_LIMIT] if said is not None and not said.done else None
            await self._client.bot.answer_callback_query(
                callback_query_id=query.id, text=notice, show_alert=notice is not None
            )
        except AiogramError as error:  # answered before, or expired: the claim stands
            log.info("staff chat: button press %s not answered: %s", query.id, error)
        if said is not None and said.done:
            await self._say(chat_id, said)

    async def _say(self, chat_id: str, said: Said) -> None:
        # What was done is committed: a failed confirmation must not make Telegram give the
        # update again (it would be answered from its mark, with nothing said).
        try:
            await self._client.deliver(chat_id, [Outbound(said.text)])
        except AiogramError as error:
            log.warning("staff chat %s: answer not sent: %s", chat_id, error)


class TelegramStaffSender:
    """The outbox's way to Telegram staff chats: alerts, at most 20 a minute per group, counted
    in `slots`: the deployment's (`bot.coordination`), shared by its processes, else this
    process's."""

    channel = STAFF_TELEGRAM

    def __init__(self, client: TelegramClient, *, slots: Slots | None = None) -> None:
        self._sender = TelegramSender(client)
        self._pace = Pace("telegram:group", TELEGRAM_GROUP_PER_MINUTE, slots)

    async def send(self, key: ConversationKey, replies: list[Outbound]) -> None:
        if key.channel != STAFF_TELEGRAM:
            raise DeliveryError(f"{key} is not a Telegram staff chat", permanent=True)
        for reply in replies:
            wait = await self._pace.take(key.chat_id)
            if wait > 0:
                raise DeliveryError(
                    f"staff chat {key.chat_id}: {TELEGRAM_GROUP_PER_MINUTE} messages a minute "
                    "used up",
                    retry_after=wait,
                )
            await self._sender.send(ConversationKey(CHANNEL, key.chat_id, key.user_id), [reply])
