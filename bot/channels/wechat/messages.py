"""WeChat pushed messages to `Inbound`; replies to text within WeChat's limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from bot.channels.render import split_text, utf8_length, with_numbered_options
from bot.channels.wechat.errors import BadMessage
from bot.conversation.types import ConversationKey, Inbound, Outbound

CHANNEL = "wechat"
# Bytes of UTF-8: the customer-service API refuses longer text (errcode 45002), and passive
# replies are held to the same.
TEXT_LIMIT = 2048
# What a new follower "says": the engine answers it with the welcome and the menu.
START = "/start"


def conversation_key(openid: str) -> ConversationKey:
    # An Official Account only ever talks one to one: the chat is the user.
    return ConversationKey(channel=CHANNEL, chat_id=openid, user_id=openid)


def to_inbound(fields: dict[str, str]) -> Inbound | None:
    """The `Inbound` for a pushed message, or None when it needs no answer."""
    openid, kind, created = (
        fields.get(name, "") for name in ("FromUserName", "MsgType", "CreateTime")
    )
    if not openid or not kind or not created.isdigit():
        raise BadMessage("FromUserName, MsgType and CreateTime are required")
    key = conversation_key(openid)
    received_at = datetime.fromtimestamp(int(created), UTC)
    if kind == "event":
        return _from_event(key, fields, created, received_at)
    message_id = fields.get("MsgId", "")
    if not message_id:
        raise BadMessage(f"a {kind} message without MsgId")
    inbound = Inbound(key=key, message_id=message_id, received_at=received_at)
    if kind == "text":
        return replace(inbound, text=fields.get("Content", ""))
    if kind == "voice":
        # Recognition is WeChat's transcript, present when speech recognition is switched on;
        # without it the engine hears nothing it can read and asks for text.
        return replace(inbound, text=fields.get("Recognition") or None)
    if kind == "location":
        try:
            where = (float(fields["Location_X"]), float(fields["Location_Y"]))
        except (KeyError, ValueError):
            raise BadMessage("a location message without Location_X/Location_Y") from None
        return replace(inbound, location=where)
    return inbound  # image, video, link, file…: nothing to read


def _from_event(
    key: ConversationKey, fields: dict[str, str], created: str, received_at: datetime
) -> Inbound | None:
    event = fields.get("Event", "").lower()
    # Events carry no MsgId; WeChat's own advice is to tell retries apart by sender and time.
    message_id = f"ev:{key.user_id}:{created}:{event}"
    if event == "subscribe":
        return Inbound(key=key, message_id=message_id, text=START, received_at=received_at)
    if event == "click" and fields.get("EventKey"):
        return Inbound(
            key=key, message_id=message_id, payload=fields["EventKey"], received_at=received_at
        )
    # Leaving, a menu link, the periodic location report, a follower scanning a code…:
    # nothing the engine has an answer for.
    return None


def render(replies: Sequence[Outbound]) -> list[str]:
    """Each reply's text with its options as numbered lines ("回复 1 …"), split to WeChat's
    limit. WeChat shows no buttons and has no contact button: a reply asking for the phone is
    worded so that typing the number answers it."""
    texts: list[str] = []
    for reply in replies:
        texts.extend(
            split_text(
                with_numbered_options(reply.text, reply.options), TEXT_LIMIT, measure=utf8_length
            )
        )
    return texts


def render_passive(replies: Sequence[Outbound]) -> tuple[str, list[str]]:
    """The one text a passive reply can carry, and what is left over for the customer-service
    API: all replies in one message when they fit, else the first part now and the rest later."""
    texts = render(replies)
    joined = "\n\n".join(texts)
    if utf8_length(joined) <= TEXT_LIMIT:
        return joined, []
    return texts[0], texts[1:]
