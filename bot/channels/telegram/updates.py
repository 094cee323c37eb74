"""Telegram adapter: Bot API updates in as `Inbound`, `Outbound` out as messages with keyboards.

aiogram 3 is the client library, wrapped here and never subclassed; it is imported by this module
only, so the other `telegram_*` modules get its names from here and the missing-extra message
below is the one anybody sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

try:
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.exceptions import (
        AiogramError,
        TelegramAPIError,
        TelegramBadRequest,
        TelegramForbiddenError,
        TelegramMigrateToChat,
        TelegramNetworkError,
        TelegramNotFound,
        TelegramRetryAfter,
        TelegramServerError,
        TelegramUnauthorizedError,
    )
    from aiogram.types import (
        CallbackQuery,
        InlineKeyboardButton,
        InlineKeyboardMarkup,
        KeyboardButton,
        Message,
        ReplyKeyboardMarkup,
        ReplyKeyboardRemove,
        Update,
    )
    from aiogram.utils.token import TokenValidationError, validate_token
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "Telegram support needs aiogram 3, which comes with the optional extra: "
        "pip install 'vetbot[telegram]' (or leave VETBOT_TELEGRAM_TOKEN unset)."
    ) from error

from bot.channels.render import button_data, split_text, utf16_length, with_numbered_options
from bot.conversation.types import Contact, ConversationKey, Inbound, Outbound
from bot.privacy.pseudonyms import pseudonym

__all__ = [
    "ALLOWED_UPDATES",
    "CALLBACK_DATA_LIMIT",
    "CHANNEL",
    "CONTACT_BUTTON_LABEL",
    "TEXT_LIMIT",
    "AiogramError",
    "AiohttpSession",
    "Bot",
    "CallbackQuery",
    "Message",
    "Rendered",
    "TelegramAPIError",
    "TelegramAPIServer",
    "TelegramBadRequest",
    "TelegramForbiddenError",
    "TelegramMigrateToChat",
    "TelegramNetworkError",
    "TelegramNotFound",
    "TelegramRetryAfter",
    "TelegramServerError",
    "TelegramUnauthorizedError",
    "TokenValidationError",
    "Update",
    "conversation_key",
    "describe",
    "picked_label",
    "render",
    "to_inbound",
    "validate_token",
]

CHANNEL = "telegram"
TEXT_LIMIT = 4096  # characters, counted in UTF-16 code units
CALLBACK_DATA_LIMIT = 64  # bytes
# Only what the engine understands: asking Telegram for nothing else keeps polls and webhooks lean.
ALLOWED_UPDATES = ("message", "callback_query")
# The label of the share-my-phone button. Telegram needs a label and `Outbound` carries none;
# it moves into the message catalogue once there is one.
CONTACT_BUTTON_LABEL = "📱 发送我的手机号 Share my phone number"

# Buttons carry their number: the engine's wording says "reply with a number" on every channel,
# and typing the digit picks the same option as pressing the button.
BUTTON_LABEL = "{number}. {label}"

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def conversation_key(chat_id: int | str, user_id: int | str) -> ConversationKey:
    return ConversationKey(channel=CHANNEL, chat_id=str(chat_id), user_id=str(user_id))


def to_inbound(update: Update) -> Inbound | None:
    """The `Inbound` for an update, or None when it is nothing for the engine (an edited
    message, a group chat, a bot, a button without data).

    Message ids are the message's own identity, `<chat>:<message id>` for messages and
    `cb:<query id>` for button presses, rather than the update_id: a redelivered update carries
    the same message, so the engine's dedupe still answers it once, while update_ids restart at
    a random number after a week without updates and could collide with old dedupe keys."""
    if update.message is not None:
        return _from_message(update.message)
    if update.callback_query is not None:
        return _from_callback(update.callback_query)
    return None


def describe(update: Update) -> str:
    """The conversation an update belongs to, for logs (never its content: it may hold a phone)."""
    try:
        inbound = to_inbound(update)
    except ValueError:  # no usable sender: ConversationKey refuses it
        return "no conversation"
    return pseudonym(inbound.key) if inbound is not None else "nothing for the engine"


def _from_message(message: Message) -> Inbound | None:
    sender = message.from_user
    # The bot serves people one to one; group chats are for staff and handled elsewhere.
    if message.chat.type != "private" or sender is None or sender.is_bot:
        return None
    contact = None
    # Someone else's card must never fill in this user's phone number; the engine sees a
    # message it cannot read and asks again.
    if message.contact is not None and message.contact.user_id == sender.id:
        contact = Contact(phone=message.contact.phone_number, user_id=str(sender.id))
    location = None
    if message.location is not None:
        location = (message.location.latitude, message.location.longitude)
    return Inbound(
        key=conversation_key(message.chat.id, sender.id),
        message_id=f"{message.chat.id}:{message.message_id}",
        text=message.text if message.text is not None else message.caption,
        contact=contact,
        location=location,
        received_at=message.date,
    )


def _from_callback(query: CallbackQuery) -> Inbound | None:
    if query.from_user.is_bot or not query.data:
        return None
    chat_id: int = query.from_user.id  # a private chat's id is its user's id
    if query.message is not None:
        if query.message.chat.type != "private":
            return None
        chat_id = query.message.chat.id
    return Inbound(
        key=conversation_key(chat_id, query.from_user.id),
        message_id=f"cb:{query.id}",
        payload=query.data,
        received_at=datetime.now(UTC),
    )


@dataclass(frozen=True, slots=True)
class Rendered:
    """One sendMessage call: text within Telegram's limit and the keyboard to show with it."""

    text: str
    markup: Markup | None = None


def render(
    replies: Sequence[Outbound], *, contact_label: str = CONTACT_BUTTON_LABEL
) -> list[Rendered]:
    """The messages a list of replies becomes, in order.

    Options become an inline keyboard, one numbered button a row, whose callback data is the
    option's payload, or the deterministic token `render.button_data` makes of a payload over
    64 bytes (the engine maps it back with `render.picked_option`). The option index was the
    alternative, but a button pressed on an old menu would then pick whatever sits at that
    index in the current one.
    A reply that asks for the phone gets the share-my-phone keyboard instead; Telegram allows one
    keyboard per message, so its options are then numbered lines, which the engine also
    understands. A plain reply removes a leftover share-my-phone keyboard, unless another reply
    in the same turn is asking for the phone."""
    asks_contact = any(reply.request_contact for reply in replies)
    messages: list[Rendered] = []
    for reply in replies:
        markup: Markup | None
        if reply.request_contact:
            text = with_numbered_options(reply.text, reply.options)
            button = KeyboardButton(text=contact_label, request_contact=True)
            markup = ReplyKeyboardMarkup(
                keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True
            )
        elif reply.options:
            text = reply.text.strip() or with_numbered_options("", reply.options)
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=BUTTON_LABEL.format(number=number, label=option.label),
                            callback_data=button_data(option.payload, CALLBACK_DATA_LIMIT),
                        )
                    ]
                    for number, option in enumerate(reply.options, start=1)
                ]
            )
        else:
            text = reply.text
            markup = None if asks_contact else ReplyKeyboardRemove(remove_keyboard=True)
        parts = split_text(text, TEXT_LIMIT, measure=utf16_length)
        # The keyboard goes under the last part, where the user's eyes end up.
        messages.extend(Rendered(part) for part in parts[:-1])
        if parts:
            messages.append(Rendered(parts[-1], markup))
    return messages


def picked_label(query: CallbackQuery) -> str | None:
    """The label of the button that was pressed, read from the message's own keyboard."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None
