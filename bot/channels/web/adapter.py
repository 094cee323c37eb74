"""Web chat adapter: the JSON of `POST /api/chat` in as `Inbound`, replies out as JSON.

The browser page and any other HTTP client use the same shapes. A web user's identity (their
signed cookie's, `identity.py`, or the `user_id` an integration with the API key names) is both
the chat and the user of the conversation key.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.conversation.types import ConversationKey, Inbound, Outbound

CHANNEL = "web"
MAX_TEXT = 2000
MAX_ID = 128
# No spaces in ids, and no control characters anywhere: PostgreSQL refuses to store a NUL.
ID_PATTERN = r"^[^\s\x00-\x1f\x7f]+$"
PAYLOAD_PATTERN = r"^[^\x00-\x1f\x7f]+$"


class ChatRequest(BaseModel):
    """One message from a web client: typed `text`, or the `payload` of a picked option."""

    model_config = ConfigDict(extra="forbid")

    user_id: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_ID,
        pattern=ID_PATTERN,
        description="Who is talking, for integrations sending `Authorization: Bearer <API key>` "
        "(required then). Without the key it is ignored: the signed cookie says who it is.",
    )
    message_id: str = Field(min_length=1, max_length=MAX_ID, pattern=ID_PATTERN)
    text: str | None = Field(None, max_length=MAX_TEXT)
    payload: str | None = Field(None, min_length=1, max_length=MAX_ID, pattern=PAYLOAD_PATTERN)

    @model_validator(mode="after")
    def _text_or_payload(self) -> ChatRequest:
        if (self.text is None) == (self.payload is None):
            raise ValueError('give either "text" or "payload", not both and not neither')
        if self.text is not None and not self.text.strip():
            raise ValueError('"text" is empty')
        return self

    def inbound(self, identity: str, address: str | None) -> Inbound:
        """The message from `identity` (decided by the caller: cookie or API key), sent from
        network `address` (None for integrations: limits count their named users only)."""
        return Inbound(
            key=key_for(identity),
            message_id=self.message_id,
            text=self.text,
            payload=self.payload,
            address=address,
        )


class OptionOut(BaseModel):
    label: str
    payload: str


class ReplyOut(BaseModel):
    text: str
    options: list[OptionOut] = []


# What `POST /api/chat` answers: the model documents it, `chat_json` makes its bytes.
class ChatResponse(BaseModel):
    replies: list[ReplyOut]


def chat_json(replies: list[Outbound]) -> bytes:
    """`replies` as the JSON of a `ChatResponse`, the bytes FastAPI would send for the model,
    made without building it: every chat message's replies go through here."""
    body = {
        "replies": [
            {
                "text": r.text,
                "options": [{"label": o.label, "payload": o.payload} for o in r.options],
            }
            for r in replies
        ]
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def key_for(user_id: str) -> ConversationKey:
    return ConversationKey(CHANNEL, user_id, user_id)
