"""Web chat adapter: the JSON of `POST /api/chat` in as `Inbound`, replies out as JSON.

The browser page and any other HTTP client use the same shapes. A web user's cookie id is both
the chat and the user of the conversation key.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.conversation.types import ConversationKey, Inbound, Outbound

CHANNEL = "web"
MAX_TEXT = 2000
MAX_ID = 128


class ChatRequest(BaseModel):
    """One message from a web client: typed `text`, or the `payload` of a picked option."""

    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=MAX_ID, pattern=r"^\S+$")
    message_id: str = Field(min_length=1, max_length=MAX_ID, pattern=r"^\S+$")
    text: str | None = Field(None, max_length=MAX_TEXT)
    payload: str | None = Field(None, min_length=1, max_length=MAX_ID)

    @model_validator(mode="after")
    def _text_or_payload(self) -> ChatRequest:
        if (self.text is None) == (self.payload is None):
            raise ValueError('give either "text" or "payload", not both and not neither')
        if self.text is not None and not self.text.strip():
            raise ValueError('"text" is empty')
        return self

    def inbound(self) -> Inbound:
        return Inbound(
            key=key_for(self.user_id),
            message_id=self.message_id,
            text=self.text,
            payload=self.payload,
        )


class OptionOut(BaseModel):
    label: str
    payload: str


class ReplyOut(BaseModel):
    text: str
    options: list[OptionOut] = []


class ChatResponse(BaseModel):
    replies: list[ReplyOut]

    @classmethod
    def of(cls, replies: list[Outbound]) -> ChatResponse:
        return cls(
            replies=[
                ReplyOut(
                    text=r.text,
                    options=[OptionOut(label=o.label, payload=o.payload) for o in r.options],
                )
                for r in replies
            ]
        )


def key_for(user_id: str) -> ConversationKey:
    return ConversationKey(CHANNEL, user_id, user_id)
