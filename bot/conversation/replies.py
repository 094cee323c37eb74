"""Replies as JSON and back: how the dedupe table and the outbox keep `Outbound` messages."""

from __future__ import annotations

from typing import Any

from bot.conversation.types import Option, Outbound


def encode_replies(replies: list[Outbound]) -> list[dict[str, Any]]:
    return [
        {
            "text": r.text,
            "options": [{"label": o.label, "payload": o.payload} for o in r.options],
            "request_contact": r.request_contact,
        }
        for r in replies
    ]


def decode_replies(stored: list[Any]) -> list[Outbound]:
    return [
        Outbound(
            text=item["text"],
            options=tuple(Option(o["label"], o["payload"]) for o in item.get("options", [])),
            request_contact=bool(item.get("request_contact", False)),
        )
        for item in stored
    ]
