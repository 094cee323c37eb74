"""The chat API: `POST /api/chat` (web page and other clients), `GET /api/history`, and
`GET /api/updates` (staff replies and notices as they arrive).

Who is talking is decided in `callers.py`: the signed cookie, or for `POST /api/chat` the body's
`user_id` when the request carries the API key. History and updates follow the cookie only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from bot.channels.web.adapter import ChatRequest, ChatResponse, OptionOut, chat_json, key_for
from bot.conversation.types import Outbound
from bot.errors import TryAgainLater
from bot.outbox.notify import LATER
from bot.web.callers import (
    Browser,
    BrowserDep,
    IntegrationDep,
    bearer,
    browser,
    client_address,
    integration,
)
from bot.web.params import Cursor
from bot.web.services import Services, ServicesDep, get_services
from storage.repositories.conversations import Conversations
from storage.repositories.messages import MessageLog
from storage.repositories.transcript import Transcript

HISTORY_LIMIT = 200
RETRY_AFTER_SECONDS = "5"
SLOW_DOWN_SECONDS = "60"

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["chat"])


async def chat(
    message: ChatRequest,
    request: Request,
    services: ServicesDep,
    integration: IntegrationDep,
) -> Response:
    """Send one message; get the bot's replies. Resending a `message_id` returns the same replies
    and changes nothing, so a client may retry safely after a timeout, a 429 or a 503.

    A browser is known by its signed cookie (issued with the first reply when it has none);
    an integration sends the API key and names each user in `user_id`."""
    return await answer(message, request, services, integration)


async def answer(
    message: ChatRequest, request: Request, services: Services, integration: bool
) -> Response:
    """The reply to one chat message, by the caller `integration` says it is."""
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
        return _replies(request, caller, exc.replies, 503, RETRY_AFTER_SECONDS)
    if answered.outcome == "limited":
        return _replies(request, caller, answered.replies, 429, SLOW_DOWN_SECONDS)
    return _replies(request, caller, answered.replies, 200)


def _replies(
    request: Request,
    caller: Browser | None,
    replies: list[Outbound],
    status: int,
    wait: str | None = None,
) -> Response:
    """The replies as JSON; for a 503 (not handled) or a 429 (not now), when to send it again.
    A browser given a new identity (or its own signed anew) gets its cookie with them."""
    headers = None if wait is None else {"Retry-After": wait}
    response = Response(chat_json(replies), status, headers, media_type="application/json")
    if caller is not None:
        caller.remember(request, response)
    return response


class ChatRoute(APIRoute):
    """`POST /api/chat` documented as FastAPI declares it (`chat`), and served without its
    per-request machinery when the request is the common case: a JSON body that is a valid
    `ChatRequest`, validated once by pydantic from the bytes. Anything else (no body, another
    content type, a field that is wrong) takes FastAPI's own way, which says what is wrong as
    it always did. The services and the caller come from the same functions the declared
    dependencies call, and take precedence over the body as they do there (503 while starting,
    then 401 for a wrong key)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        declared = super().get_route_handler()

        async def handle(request: Request) -> Response:
            message = await _valid_message(request)
            if message is None:
                return await declared(request)
            services = await get_services(request)
            known = await integration(request, services, await bearer(request))
            return await answer(message, request, services, known)

        return handle


async def _valid_message(request: Request) -> ChatRequest | None:
    """The body as a `ChatRequest` when it is JSON and valid; None otherwise."""
    media = (request.headers.get("content-type") or "").partition(";")[0].strip().lower()
    if media != "application/json" and not (
        media.startswith("application/") and media.endswith("+json")
    ):
        return None
    try:
        return ChatRequest.model_validate_json(await request.body())
    except ValidationError:
        return None


router.add_api_route(
    "/chat",
    chat,
    methods=["POST"],
    route_class_override=ChatRoute,
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
