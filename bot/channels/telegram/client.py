"""The Bot API as vetbot uses it: answer one update, send replies within Telegram's limits, and
the outbox's `Sender` for Telegram."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from bot.channels.render import utf16_length
from bot.channels.telegram.limits import RateLimiter
from bot.channels.telegram.updates import (
    CHANNEL,
    CONTACT_BUTTON_LABEL,
    TEXT_LIMIT,
    AiogramError,
    AiohttpSession,
    Bot,
    CallbackQuery,
    Message,
    Rendered,
    TelegramAPIServer,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
    TokenValidationError,
    Update,
    picked_label,
    render,
    to_inbound,
    validate_token,
)
from bot.config import Settings
from bot.conversation.types import ConversationKey, Outbound, PushHandler
from bot.outbox.sender import DeliveryError

log = logging.getLogger(__name__)

# A 429 asking for at most this many seconds is waited out in place: the rest of a reply then
# still goes out in order. A longer one is raised for the caller (outbox, redelivery) to retry.
MAX_INLINE_WAIT = 5.0
_INLINE_RETRIES = 3


class GroupUpdates(Protocol):
    """Updates from group chats: staff chats (`staffchat.py`). True when it took the update."""

    async def answer(self, update: Update) -> bool: ...


class TelegramClient:
    """An aiogram `Bot` and a `RateLimiter`, shared by the webhook, the poller and the sender so
    that all of their sends count against the same limits."""

    groups: GroupUpdates | None = None  # staff chats, when alerts are installed

    def __init__(
        self,
        bot: Bot,
        *,
        limiter: RateLimiter | None = None,
        max_inline_wait: float = MAX_INLINE_WAIT,
        contact_label: str = CONTACT_BUTTON_LABEL,
    ) -> None:
        self.bot = bot
        self._limiter = limiter or RateLimiter()
        self._max_inline_wait = max_inline_wait
        self._contact_label = contact_label

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> TelegramClient:
        token = settings.telegram_token.get_secret_value()
        if not token:
            raise ValueError(
                "VETBOT_TELEGRAM_TOKEN is not set: create a bot with @BotFather and put its "
                "token there, or leave Telegram off."
            )
        try:
            validate_token(token)
        except TokenValidationError:
            raise ValueError(
                "VETBOT_TELEGRAM_TOKEN does not look like a bot token (digits, a colon, then "
                "letters, as @BotFather gives it)."
            ) from None
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
        return cls(Bot(token=token, session=session), **options)

    async def close(self) -> None:
        await self.bot.session.close()

    def parse_update(self, data: object) -> Update:
        """An update as Telegram posts it (JSON already decoded); raises pydantic's
        ValidationError when it is not one."""
        return Update.model_validate(data, context={"bot": self.bot})

    async def answer_update(self, update: Update, handler: PushHandler) -> None:
        """One update, start to end: the engine's turn, the button press acknowledged, the
        replies sent and that recorded. Raises if any of it failed; the caller then leaves the
        update unacknowledged, Telegram gives it again, and the engine's dedupe hands back the
        stored replies instead of running a second turn. An update given again after its
        replies went out (the offset's confirmation lost in a restart) sends nothing."""
        if self.groups is not None and await self.groups.answer(update):
            return
        inbound = to_inbound(update)
        query = update.callback_query
        if inbound is None:
            if query is not None:
                await self._answer_query(query)  # stop the button's spinner all the same
            return
        replies = await handler.to_send(inbound)
        if query is not None:
            await self._answer_query(query)
        if replies:
            await self.deliver(inbound.key.chat_id, replies)
            await handler.sent(inbound)
        if query is not None:
            await self._mark_picked(query)

    async def deliver(self, chat_id: str, replies: Sequence[Outbound]) -> None:
        """Send replies to a chat in order, waiting for the rate limiter before each message."""
        for message in render(replies, contact_label=self._contact_label):
            await self._send(chat_id, message)

    async def _send(self, chat_id: str, message: Rendered) -> None:
        attempt = 0
        while True:
            await self._limiter.wait(chat_id)
            try:
                await self.bot.send_message(
                    chat_id=chat_id, text=message.text, reply_markup=message.markup
                )
                return
            except TelegramRetryAfter as error:
                await self._limiter.pause(chat_id, error.retry_after)
                attempt += 1
                if error.retry_after > self._max_inline_wait or attempt > _INLINE_RETRIES:
                    raise
                # No chat id: in a private chat it is the user's Telegram id.
                log.warning("Telegram asked to wait %ss before sending", error.retry_after)

    async def _answer_query(self, query: CallbackQuery) -> None:
        try:
            await self.bot.answer_callback_query(callback_query_id=query.id)
        except TelegramBadRequest as error:
            # A redelivered press: the query was answered the first time or has expired.
            log.info("callback query %s not answered: %s", query.id, error)

    async def _mark_picked(self, query: CallbackQuery) -> None:
        """Show under the menu what was picked and take its buttons away, so an elderly user
        sees their choice and cannot press an old menu twice."""
        message = query.message
        label = picked_label(query)
        if not isinstance(message, Message) or message.text is None or label is None:
            return
        text = f"{message.text}\n\n✓ {label}"
        if utf16_length(text) > TEXT_LIMIT:
            text = message.text
        try:
            await self.bot.edit_message_text(
                chat_id=message.chat.id, message_id=message.message_id, text=text
            )
        except TelegramBadRequest as error:
            # Already marked (a redelivered press) or too old to edit: the buttons stay, harmless.
            log.info("menu message %s not marked as picked: %s", message.message_id, error)


class TelegramSender:
    """The outbox's way to Telegram: staff replies, reminders, status changes."""

    channel = CHANNEL

    def __init__(self, client: TelegramClient) -> None:
        self._client = client

    async def send(self, key: ConversationKey, replies: list[Outbound]) -> None:
        if key.channel != CHANNEL:
            raise DeliveryError(f"{key} is not a Telegram conversation", permanent=True)
        try:
            await self._client.deliver(key.chat_id, replies)
        except TelegramRetryAfter as error:
            raise DeliveryError(str(error), retry_after=float(error.retry_after)) from error
        except TelegramUnauthorizedError as error:
            raise DeliveryError(
                f"Telegram rejected the bot token (check VETBOT_TELEGRAM_TOKEN): {error}"
            ) from error
        except (
            TelegramForbiddenError,  # the user blocked the bot
            TelegramBadRequest,  # chat not found, message refused: the same again fails again
            TelegramNotFound,
            TelegramMigrateToChat,
        ) as error:
            raise DeliveryError(str(error), permanent=True) from error
        except AiogramError as error:  # network, Telegram's server errors: worth another try
            raise DeliveryError(str(error)) from error
