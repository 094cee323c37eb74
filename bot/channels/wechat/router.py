"""GET/POST /webhooks/wechat: the Official Account's server URL.

GET is WeChat checking the URL (echo `echostr` when the signature is ours). POST is a pushed
message: signature checked (403), body read with a size cap and parsed without entities (400),
decrypted in safe mode, turned into an `Inbound`, answered passively within WeChat's 5 seconds
or with "success" and the replies delivered later (see `turns.py`).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from bot.channels.wechat import xml
from bot.channels.wechat.crypto import MessageCrypto
from bot.channels.wechat.errors import BadMessage, SignatureError
from bot.channels.wechat.messages import render_passive, to_inbound
from bot.channels.wechat.sender import WeChatSender
from bot.channels.wechat.signature import MAX_CLOCK_SKEW, sign, verify, verify_request
from bot.channels.wechat.turns import REPLY_DEADLINE, Later, Turns
from bot.config import Settings
from bot.conversation.types import Handler, Outbound
from bot.errors import TryAgainLater

log = logging.getLogger(__name__)

PATH = "/webhooks/wechat"
SUCCESS = "success"  # WeChat's "received, nothing to reply": no retry, nothing shown
DRAIN_TIMEOUT = 10.0


def make_wechat_router(
    handler: Handler,
    settings: Settings,
    *,
    later: Later | None = None,
    reply_deadline: float = REPLY_DEADLINE,
    max_clock_skew: float = MAX_CLOCK_SKEW,
    clock: Callable[[], float] = time.time,
) -> APIRouter:
    """The Official Account's server URL.

    `later` delivers replies that missed the passive answer; give it the outbox's enqueue so
    that they survive a restart and are retried. Without it the router sends them itself with
    a `WeChatSender`, once."""
    token = settings.wechat_token.get_secret_value()
    if not token:
        raise ValueError(
            "VETBOT_WECHAT_TOKEN is not set: it is the Token in the Official Account's server "
            "configuration (设置与开发 → 基本配置 → 服务器配置)."
        )
    aes_key = settings.wechat_aes_key.get_secret_value()
    crypto = MessageCrypto(aes_key, settings.wechat_app_id) if aes_key else None
    sender: WeChatSender | None = None
    if later is None:
        sender = WeChatSender(settings)
        later = sender.send
    turns = Turns(handler, later, deadline=reply_deadline)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await turns.drain(DRAIN_TIMEOUT)
            if sender is not None:
                await sender.close()

    router = APIRouter(lifespan=lifespan)

    def check(request: Request) -> None:
        query = request.query_params
        verify_request(
            token,
            query.get("signature", ""),
            query.get("timestamp", ""),
            query.get("nonce", ""),
            now=clock(),
            max_skew=max_clock_skew,
        )

    @router.get(PATH, include_in_schema=False)
    async def wechat_verify_url(request: Request) -> Response:
        try:
            check(request)
        except SignatureError as error:
            log.warning("WeChat URL check refused: %s", error)
            return Response(status_code=403)
        return PlainTextResponse(request.query_params.get("echostr", ""))

    @router.post(PATH, include_in_schema=False)
    async def wechat_message(request: Request) -> Response:
        try:
            check(request)
            body = await _read_capped(request)
            fields = xml.parse(body)
            encrypted = request.query_params.get("encrypt_type", "raw").lower() == "aes"
            if encrypted:
                fields = _decrypt(fields, request, token, crypto)
            inbound = to_inbound(fields)
        except SignatureError as error:
            log.warning("WeChat message refused: %s", error)
            return Response(status_code=403)
        except BadMessage as error:
            log.warning("WeChat message unreadable: %s", error)
            return Response(status_code=400)
        if inbound is None:
            return PlainTextResponse(SUCCESS)
        try:
            replies = await turns.answer(inbound)
        except TryAgainLater as error:
            # WeChat's three retries span 15 seconds, too short to count on; the user is told
            # to send the message again instead.
            log.warning(
                "WeChat message %s from %s not handled: %s", inbound.message_id, inbound.key, error
            )
            replies = error.replies
        except Exception:  # the boundary of one inbound message: log it, let WeChat retry
            log.exception("WeChat message %s from %s failed", inbound.message_id, inbound.key)
            return Response(status_code=500)
        if not replies:
            return PlainTextResponse(SUCCESS)
        text, rest = render_passive(replies)
        if rest:
            turns.deliver_later(inbound.key, [Outbound(part) for part in rest])
        if not text:
            return PlainTextResponse(SUCCESS)
        reply = xml.text_reply(
            to_user=fields["FromUserName"],
            from_user=fields.get("ToUserName", ""),
            content=text,
            created=int(clock()),
        )
        if encrypted and crypto is not None:
            reply = _encrypt(reply, token, crypto, clock)
        return Response(reply, media_type="application/xml")

    return router


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


def _decrypt(
    fields: dict[str, str], request: Request, token: str, crypto: MessageCrypto | None
) -> dict[str, str]:
    if crypto is None:
        raise BadMessage(
            "an encrypted message, but VETBOT_WECHAT_AES_KEY is not set (safe mode needs it)"
        )
    encrypted = fields.get("Encrypt", "")
    query = request.query_params
    # The body signature is what proves the cipher text came from WeChat.
    verify(
        query.get("msg_signature", ""),
        token,
        query.get("timestamp", ""),
        query.get("nonce", ""),
        encrypted,
    )
    return xml.parse(crypto.decrypt(encrypted).encode("utf-8"))


def _encrypt(reply: str, token: str, crypto: MessageCrypto, clock: Callable[[], float]) -> str:
    encrypted = crypto.encrypt(reply)
    timestamp, nonce = str(int(clock())), str(secrets.randbelow(10**10))
    return xml.encrypted_reply(
        encrypted=encrypted,
        signature=sign(token, timestamp, nonce, encrypted),
        timestamp=timestamp,
        nonce=nonce,
    )
