"""The chat API: `POST /api/chat` (web page and other clients), `GET /api/history`, and
`GET /api/updates` (staff replies and notices as they arrive).

Who is talking is decided in `callers.py`: the signed cookie, or for `POST /api/chat` the body's
`user_id` when the request carries the API key. History and updates follow the cookie only.
"""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bot.channels.web.adapter import ChatRequest, ChatResponse, OptionOut, key_for
from bot.conversation.types import Outbound
from bot.errors import TryAgainLater
from bot.outbox.notify import LATER
from bot.web.callers import Browser, BrowserDep, IntegrationDep, browser, client_address
from bot.web.params import Cursor
from bot.web.services import ServicesDep
from storage.repositories.conversations import Conversations
from storage.repositories.messages import MessageLog
from storage.repositories.transcript import Transcript

HISTORY_LIMIT = 200
RETRY_AFTER_SECONDS = "5"
SLOW_DOWN_SECONDS = "60"

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["chat"])


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        401: {"description": "An Authorization header without the right API key."},
        413: {"description": "The body is larger than the server accepts."},
        422: {"description": "The body is not a valid chat message; `detail` says why."},
        429: {
            "model": ChatResponse,
            "description": "Over a rate limit (messages, link codes, tickets or bookings of "
            "this user or address): `replies` says so politely and nothing was done. Try again "
            "later (Retry-After, in seconds, is when messages are taken again).",
        },
        503: {"description": "Not handled (database unavailable): retry the same message."},
    },
)
async def chat(
    message: ChatRequest,
    request: Request,
    response: Response,
    services: ServicesDep,
    integration: IntegrationDep,
) -> ChatResponse | JSONResponse:
    """Send one message; get the bot's replies. Resending a `message_id` returns the same replies
    and changes nothing, so a client may retry safely after a timeout, a 429 or a 503.

    A browser is known by its signed cookie (issued with the first reply when it has none);
    an integration sends the API key and names each user in `user_id`."""
    caller = None
    if integration:
        if message.user_id is None:
            raise RequestValidationError([{"type": "missing", "loc": ("body", "user_id")}])
        inbound = message.inbound(message.user_id, None)
    else:
        caller = browser(request, services)
        inbound = message.inbound(caller.identity, client_address(request))
    try:
        answered = await services.engine.answer(inbound)
    except TryAgainLater as exc:
        return _refused(request, caller, exc.replies, 503, RETRY_AFTER_SECONDS)
    if answered.outcome == "limited":
        return _refused(request, caller, answered.replies, 429, SLOW_DOWN_SECONDS)
    if caller is not None:
        caller.remember(request, response)  # FastAPI copies its cookies into the reply
    return ChatResponse.of(answered.replies)


def _refused(
    request: Request, caller: Browser | None, replies: list[Outbound], status: int, wait: str
) -> JSONResponse:
    """Not handled (503) or not now (429): the polite replies, and when to send it again."""
    body = ChatResponse.of(replies).model_dump()
    response = JSONResponse(body, status_code=status, headers={"Retry-After": wait})
    if caller is not None:
        caller.remember(request, response)
    return response


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
    request: Request, response: Response, services: ServicesDep, caller: BrowserDep
) -> History:
    """This browser's conversation so far (the identity comes from its cookie), oldest first."""
    if caller.new:  # no cookie we signed: a new identity, with nothing said yet
        caller.remember(request, response)
        return History(messages=[])
    key = key_for(caller.identity)
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
    request: Request,
    response: Response,
    services: ServicesDep,
    caller: BrowserDep,
    after: Cursor = 0,
) -> Updates:
    """What reached this browser's conversation since message `after` other than as a reply
    to its own messages: staff replies and notices. The page polls this; `last` is the cursor
    for the next call."""
    if caller.new:
        caller.remember(request, response)
        return Updates(messages=[], last=after)
    key = key_for(caller.identity)
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
