"""Linking channels: a one-time code asked for on one channel and typed on another makes the
two one user, so requests, bookings and tickets follow the veteran whichever app they use.

    关联账号 / link account / the menu's 账号关联  → a 6-digit code, valid for 10 minutes
    关联 123456 / link 123456, on another channel → that channel's user is merged into the
        code's user (identities, conversations, requests, bookings, tickets), both sides told

Whoever types a live code gets the issuing user's records, so the code is kept like a
password: drawn from `secrets`, stored only as a keyed hash, masked in the message log, used
once, and a conversation that types 5 wrong codes is locked out for a while.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from datetime import datetime, timedelta

from bot.config import Settings
from bot.conversation.payloads import Menu
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.messages import Catalogue
from bot.outbox.notify import notify, reach
from storage.models.base import utcnow
from storage.repositories.links import LinkCodes
from storage.repositories.tickets import Tickets
from storage.repositories.users import Users

DIGITS = 6
VALID = timedelta(minutes=10)
MAX_WRONG = 5  # wrong codes in one conversation before it is locked out
LOCKOUT = timedelta(minutes=30)
_ISSUE_TRIES = 5  # a new code equal to someone's live one is drawn again

# "关联 123456", "关联码：123 456", "link 123456"; the colon is already half width here.
_TYPED_CODE = re.compile(r"^(?:关联|關聯|link|/link)(?:码|碼| code)?\s*:?\s*([\d ]{6,11})$")


def typed_code(word: str) -> str | None:
    """The code in a "关联 123456" command word (`bot.messages.command_word`), or None when
    `word` is not one. The words asking for a code are the catalogue's `link` words."""
    match = _TYPED_CODE.match(word)
    if match is None:
        return None
    digits = match[1].replace(" ", "")
    return digits if len(digits) == DIGITS else None


def code_hash(code: str, settings: Settings) -> str:
    """The code as stored. Keyed with the data key: a million codes hash in a second, so an
    unkeyed hash would give a copy of the database every live code. Without a data key
    (development) the key is public and the hash only keeps codes out of casual sight."""
    secret = settings.data_key.get_secret_value().encode("utf-8")
    key = hashlib.sha256(b"vetbot link codes v1\0" + secret).digest()
    return hmac.new(key, code.encode("ascii"), hashlib.sha256).hexdigest()


async def offer(turn: Turn) -> Outbound:
    """A new code for this user (any earlier one stops working), and what to do with it."""
    turn.outcome = "link"
    now = utcnow()
    codes = LinkCodes(turn.session)
    for _ in range(_ISSUE_TRIES):
        code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
        digest = code_hash(code, turn.settings)
        if await codes.issue(digest, turn.state.user_id, turn.state.id, now + VALID, now):
            break
    else:  # five draws all equal to live codes: the table is full of codes, not of bad luck
        raise RuntimeError(f"no free link code after {_ISSUE_TRIES} draws")
    turn.hidden.append(code)
    minutes = int(VALID.total_seconds() // 60)
    return turn.reply(
        turn.text("link.code", code=code, minutes=minutes),
        turn.text("link.how", code=code),
        turn.text("link.warning"),
        options=[turn.option("menu.back", Menu())],
    )


async def redeem(turn: Turn, code: str) -> Outbound:
    """A code typed here: merge this user into the code's user, or say politely why not."""
    turn.outcome = "link"
    turn.hidden.append(code)
    now = utcnow()
    codes = LinkCodes(turn.session)
    locked = await codes.locked_until(turn.state.id, now)
    if locked is not None:
        return _locked(turn, locked, now)
    digest = code_hash(code, turn.settings)
    issued = await codes.find(digest, now)
    if issued is None:
        lock_until = now + LOCKOUT
        if await codes.failed(turn.state.id, limit=MAX_WRONG, lock_until=lock_until, now=now):
            return _locked(turn, lock_until, now)
        return _back(turn, "link.wrong")
    if issued.user_id == turn.state.user_id:  # the code stays valid for the other channel
        return _back(turn, "link.here" if issued.conversation_id == turn.state.id else "link.same")
    absorbed, survivor = turn.state.user_id, issued.user_id
    users = Users(turn.session)
    # Locks first, then the code: a merge running at the same moment may have taken either.
    if not (
        await users.lock_for_merge(absorbed, into=survivor)
        and await codes.use(digest, survivor, now)
    ):
        return _back(turn, "link.wrong")  # right a moment ago: not counted as a guess
    await codes.forget_user(absorbed)
    await users.merge(absorbed, into=survivor)
    await codes.succeeded(turn.state.id)
    turn.state.user_id = survivor
    issuer = await Tickets(turn.session).recipient(issued.conversation_id)
    there = _channel_name(turn.messages, issuer.language, turn.inbound.key.channel)
    done_there = turn.messages.text(issuer.language, "link.done_there", channel=there)
    await notify(turn.session, reach(issuer), [Outbound(done_there)])
    here = _channel_name(turn.messages, turn.state.language, issuer.channel)
    return _back(turn, "link.done", channel=here)


def _channel_name(messages: Catalogue, lang: str, channel: str) -> str:
    """The channel as users call it ("微信", "Telegram"); "另一个渠道" when the catalogue has no
    name for it."""
    key = f"link.channel.{channel}"
    known = key in messages.texts.get(lang, messages.texts["zh"])
    return messages.text(lang, key if known else "link.channel.other")


def _locked(turn: Turn, until: datetime, now: datetime) -> Outbound:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return _back(turn, "link.locked", minutes=minutes)


def _back(turn: Turn, key: str, **params: object) -> Outbound:
    return turn.reply(turn.text(key, **params), options=[turn.option("menu.back", Menu())])
