"""GET/POST /webhooks/wechat: the Official Account's server URL.

GET is WeChat checking the URL (echo `echostr` when the signature is ours). POST is a pushed
message: signature checked (403), body read with a size cap and parsed without entities (400),
decrypted in safe mode, turned into an `Inbound`, answered passively within WeChat's 5 seconds
or with "success" and the replies queued for later (see `turns.py`).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from bot.channels.replays import FirstUse, RememberedNonces, body_hash
from bot.channels.wechat import xml
from bot.channels.wechat.crypto import MessageCrypto
from bot.channels.wechat.errors import BadMessage, SignatureError
from bot.channels.wechat.messages import CHANNEL, render_passive, to_inbound
from bot.channels.wechat.signature import MAX_CLOCK_SKEW, sign, verify, verify_request
from bot.channels.wechat.turns import REPLY_DEADLINE, Turns
from bot.config import Settings
from bot.conversation.types import Inbound, Outbound, PushHandler
from bot.coordination.types import Flights
from bot.errors import TryAgainLater
from bot.outbox.worker import Enqueue
from bot.privacy.pseudonyms import pseudonym

log = logging.getLogger(__name__)

PATH = "/webhooks/wechat"
MAX_NONCE = 160  # characters of "<timestamp>:<nonce>"; WeChat's are about 20
SUCCESS = "success"  # WeChat's "received, nothing to reply": no retry, nothing shown
DRAIN_TIMEOUT = 10.0


def make_wechat_router(
    handler: PushHandler,
    settings: Settings,
    later: Enqueue,
    *,
    reply_deadline: float = REPLY_DEADLINE,
    max_clock_skew: float = MAX_CLOCK_SKEW,
    clock: Callable[[], float] = time.time,
    first_use: FirstUse | None = None,
    flights: Flights | None = None,
) -> APIRouter:
    """The Official Account's server URL. `later` queues the replies that missed the passive
    answer; the server gives it the outbox's enqueue, so that they survive a restart and are
    retried. `first_use` remembers the signed (timestamp, nonce) pairs (`replays.py`); the
    server gives it the database's, else this process remembers them. `flights` are the turns
    in flight (`turns.py`): the server gives it the deployment's, else this process's."""
    endpoint = WeChatEndpoint(
        Account.of(settings),
        Turns(handler, later, flights=flights, deadline=reply_deadline),
        max_clock_skew=max_clock_skew,
        clock=clock,
        first_use=first_use or RememberedNonces(keep=2 * max_clock_skew),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await endpoint.turns.drain(DRAIN_TIMEOUT)

    router = APIRouter(lifespan=lifespan)
    router.add_api_route(PATH, endpoint.verify_url, methods=["GET"], include_in_schema=False)
    router.add_api_route(PATH, endpoint.message, methods=["POST"], include_in_schema=False)
    return router


@dataclass(frozen=True)
class Account:
    """The Official Account's server configuration: its Token and, in safe mode, its AES key."""

    token: str
    crypto: MessageCrypto | None

    @classmethod
    def of(cls, settings: Settings) -> Account:
        token = settings.wechat_token.get_secret_value()
        if not token:
            raise ValueError(
                "VETBOT_WECHAT_TOKEN is not set: it is the Token in the Official Account's "
                "server configuration (设置与开发 → 基本配置 → 服务器配置)."
            )
        aes_key = settings.wechat_aes_key.get_secret_value()
        return cls(token, MessageCrypto(aes_key, settings.wechat_app_id) if aes_key else None)


@dataclass(frozen=True)
class Pushed:
    """A pushed message as read: its (decrypted) fields, whether it came encrypted, and the
    `Inbound` it makes (None for events that need no turn)."""

    fields: dict[str, str]
    encrypted: bool
    inbound: Inbound | None


class WeChatEndpoint:
    """The two handlers of the server URL."""

    def __init__(
        self,
        account: Account,
        turns: Turns,
        *,
        max_clock_skew: float = MAX_CLOCK_SKEW,
        clock: Callable[[], float] = time.time,
        first_use: FirstUse,
    ) -> None:
        self.account = account
        self.turns = turns
        self._max_clock_skew = max_clock_skew
        self._clock = clock
        self._first_use = first_use

    async def verify_url(self, request: Request) -> Response:
        try:
            self._check(request)
        except SignatureError as error:
            log.warning("WeChat URL check refused: %s", error)
            return Response(status_code=403)
        return PlainTextResponse(request.query_params.get("echostr", ""))

    async def message(self, request: Request) -> Response:
        try:
            pushed = await self._receive(request)
        except SignatureError as error:
            log.warning("WeChat message refused: %s", error)
            return Response(status_code=403)
        except BadMessage as error:
            log.warning("WeChat message unreadable: %s", error)
            return Response(status_code=400)
        except TryAgainLater as error:  # the nonces cannot be read: WeChat retries
            log.warning("WeChat message not checked: %s", error)
            return Response(status_code=503)
        inbound = pushed.inbound
        if inbound is None:
            return PlainTextResponse(SUCCESS)
        try:
            replies = await self._answer(inbound)
        except Exception:  # the boundary of one inbound message: log it, let WeChat retry
            log.exception(
                "WeChat message %s from %s failed", inbound.message_id, pseudonym(inbound.key)
            )
            return Response(status_code=500)
        if not replies:
            return PlainTextResponse(SUCCESS)
        return self._passive(pushed, inbound, replies)

    def _check(self, request: Request) -> None:
        query = request.query_params
        verify_request(
            self.account.token,
            query.get("signature", ""),
            query.get("timestamp", ""),
            query.get("nonce", ""),
            now=self._clock(),
            max_skew=self._max_clock_skew,
        )

    async def _receive(self, request: Request) -> Pushed:
        """The pushed message, checked and read; raises `SignatureError` or `BadMessage`."""
        self._check(request)
        body = await _read_capped(request)
        query = request.query_params
        nonce = f"{query.get('timestamp', '')}:{query.get('nonce', '')}"
        if len(nonce) > MAX_NONCE or not await self._first_use(CHANNEL, nonce, body_hash(body)):
            raise SignatureError("this timestamp and nonce came before with another body")
        fields = xml.parse(body)
        encrypted = request.query_params.get("encrypt_type", "raw").lower() == "aes"
        if encrypted:
            fields = _decrypt(fields, request, self.account)
        return Pushed(fields, encrypted, to_inbound(fields))

    async def _answer(self, inbound: Inbound) -> list[Outbound] | None:
        try:
            return await self.turns.answer(inbound)
        except TryAgainLater as error:
            # WeChat's three retries span 15 seconds, too short to count on; the user is told
            # to send the message again instead.
            log.warning(
                "WeChat message %s from %s not handled: %s",
                inbound.message_id,
                pseudonym(inbound.key),
                error,
            )
            return error.replies

    def _passive(self, pushed: Pushed, inbound: Inbound, replies: list[Outbound]) -> Response:
        """The passive reply: what fits in one message; the rest is queued for later."""
        text, rest = render_passive(replies)
        if rest:
            self.turns.deliver_later(inbound.key, [Outbound(part) for part in rest])
        if not text:
            return PlainTextResponse(SUCCESS)
        reply = xml.text_reply(
            to_user=pushed.fields["FromUserName"],
            from_user=pushed.fields.get("ToUserName", ""),
            content=text,
            created=int(self._clock()),
        )
        if pushed.encrypted and self.account.crypto is not None:
            reply = _encrypt(reply, self.account.token, self.account.crypto, self._clock)
        return Response(reply, media_type="application/xml")


async def _read_capped(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > xml.MAX_BODY:
        raise BadMessage(f"body of {declared} bytes, more than {xml.MAX_BODY}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > xml.MAX_BODY:  # stop reading: the length header may have lied
            raise BadMessage(f"body of more than {xml.MAX_BODY} bytes")
    return bytes(body)


def _decrypt(fields: dict[str, str], request: Request, account: Account) -> dict[str, str]:
    if account.crypto is None:
        raise BadMessage(
            "an encrypted message, but VETBOT_WECHAT_AES_KEY is not set (safe mode needs it)"
        )
    encrypted = fields.get("Encrypt", "")
    query = request.query_params
    # The body signature is what proves the cipher text came from WeChat.
    verify(
        query.get("msg_signature", ""),
        account.token,
        query.get("timestamp", ""),
        query.get("nonce", ""),
        encrypted,
    )
    return xml.parse(account.crypto.decrypt(encrypted).encode("utf-8"))


def _encrypt(reply: str, token: str, crypto: MessageCrypto, clock: Callable[[], float]) -> str:
    encrypted = crypto.encrypt(reply)
    timestamp, nonce = str(int(clock())), str(secrets.randbelow(10**10))
    return xml.encrypted_reply(
        encrypted=encrypted,
        signature=sign(token, timestamp, nonce, encrypted),
        timestamp=timestamp,
        nonce=nonce,
    )
