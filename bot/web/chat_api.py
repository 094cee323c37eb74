"""The chat API: `POST /api/chat` (web page and other clients), `GET /api/history`, and
`GET /api/updates` (staff replies and notices as they arrive)."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Cookie, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bot.channels.web.adapter import ChatRequest, ChatResponse, OptionOut, key_for
from bot.errors import TryAgainLater
from bot.outbox.notify import LATER
from bot.web.services import ServicesDep
from storage.repositories.conversations import Conversations
from storage.repositories.messages import MessageLog
from storage.repositories.transcript import Transcript

COOKIE = "vetbot_uid"
HISTORY_LIMIT = 200
RETRY_AFTER_SECONDS = "5"

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["chat"])


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        413: {"description": "The body is larger than the server accepts."},
        422: {"description": "The body is not a valid chat message; `detail` says why."},
        503: {"description": "Not handled (database unavailable): retry the same message."},
    },
)
async def chat(message: ChatRequest, services: ServicesDep) -> ChatResponse | JSONResponse:
    """Send one message; get the bot's replies. Resending a `message_id` returns the same replies
    and changes nothing, so a client may retry safely after a timeout or a 503."""
    inbound = message.inbound()
    try:
        replies = await services.engine.handle(inbound)
    except TryAgainLater as exc:
        return JSONResponse(
            ChatResponse.of(exc.replies).model_dump(),
            status_code=503,
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    return ChatResponse.of(replies)


class HistoryMessage(BaseModel):
    sender: Literal["user", "bot"]
    text: str
    payload: str | None = None
    options: list[OptionOut] = []


class History(BaseModel):
    messages: list[HistoryMessage]
    last: int = 0  # the id of the newest message: where `/api/updates` carries on from


@router.get("/history", response_model=History)
async def history(
    services: ServicesDep, vetbot_uid: Annotated[str | None, Cookie()] = None
) -> History:
    """This browser's conversation so far (the identity comes from its cookie), oldest first."""
    if not vetbot_uid or len(vetbot_uid) > 128:
        return History(messages=[])
    key = key_for(vetbot_uid)
    async with services.database.transaction() as session:
        conversation = await Conversations(session).find(key.channel, key.chat_id, key.user_id)
        logged = (
            []
            if conversation is None
            else await MessageLog(session).recent(conversation, HISTORY_LIMIT)
        )
        last = 0 if conversation is None else await Transcript(session).last_id(conversation)
    return History(
        last=last,
        messages=[
            HistoryMessage(
                sender="user" if m.direction == "in" else "bot",
                text=m.text,
                payload=m.payload,
                options=[OptionOut(label=label, payload=payload) for label, payload in m.options],
            )
            for m in logged
        ],
    )


class Updates(BaseModel):
    messages: list[HistoryMessage]
    last: int


@router.get("/updates", response_model=Updates)
async def updates(
    services: ServicesDep,
    after: Annotated[int, Query(ge=0)] = 0,
    vetbot_uid: Annotated[str | None, Cookie()] = None,
) -> Updates:
    """What reached this browser's conversation since message `after` other than as a reply
    to its own messages: staff replies and notices. The page polls this; `last` is the cursor
    for the next call."""
    if not vetbot_uid or len(vetbot_uid) > 128:
        return Updates(messages=[], last=after)
    key = key_for(vetbot_uid)
    async with services.database.transaction() as session:
        conversation = await Conversations(session).find(key.channel, key.chat_id, key.user_id)
        if conversation is None:
            return Updates(messages=[], last=after)
        found = await Transcript(session).later(conversation, after, LATER)
    return Updates(
        messages=[
            HistoryMessage(
                sender="bot",
                text=m.text,
                options=[OptionOut(label=label, payload=payload) for label, payload in m.options],
            )
            for _, m in found
        ],
        last=found[-1][0] if found else after,
    )
