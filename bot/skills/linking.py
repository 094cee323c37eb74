"""Linking channels: a one-time code asked for on one channel and typed on another makes the
two one user, once the side that asked for it says yes, so requests, bookings and tickets
follow the veteran whichever app they use.

    关联账号 / link account / the menu's 账号关联  → a 6-digit code, valid for 10 minutes
    关联 123456 / link 123456, on another channel → the code's side is asked "another channel
        wants to link to your account: reply 1 to allow" (`link:yes` / `link:no`)
    1 (allow), on the code's side                 → that other channel's user is merged into
        the code's user (identities, conversations, requests, bookings, tickets), both told

Whoever links gets the issuing user's records, so the code is kept like a password: drawn from
`secrets`, stored only as a keyed hash, masked in the message log, used once; and guessing is
bounded however many conversations and clients the guesser uses. Each wrong code counts
against every live code, and a code dies after `WRONG_PER_CODE` of them: a guesser has 5 tries
in 1,000,000 at a code. Besides, a conversation that types 5 wrong codes is locked out for 30
minutes, and an identity or address may try only so many per hour (`limits.py`). A right guess
still only asks the code's owner, whose yes alone merges.
"""

from __future__ import annotations

import math
import re
import secrets
from datetime import datetime, timedelta

from bot.config import Settings
from bot.conversation.limits import within
from bot.conversation.payloads import LinkAnswer, Menu, option
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.messages import Catalogue
from bot.outbox.notify import notify, reach
from bot.privacy.sealing import data_key
from storage.models.base import utcnow
from storage.repositories.conversations import Conversations
from storage.repositories.links import Claim, IssuedCode, LinkCodes
from storage.repositories.tickets import Recipient, Tickets
from storage.repositories.users import Users

DIGITS = 6
VALID = timedelta(minutes=10)
MAX_WRONG = 5  # wrong codes in one conversation before it is locked out
LOCKOUT = timedelta(minutes=30)
WRONG_PER_CODE = 5  # wrong codes typed anywhere while a code is live before it dies
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
    """The code as stored. Keyed (a key derived from the data key): a million codes hash in a
    second, so an unkeyed hash would give a copy of the database every live code."""
    return data_key(settings).fingerprint("link codes", code)


async def offer(turn: Turn) -> Outbound:
    """A new code for this user (any earlier one stops working), and what to do with it."""
    turn.outcome = "link"
    if not await within(turn, "link"):
        return _limited(turn)
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
    """A code typed here: ask the side that got it to allow the link, or say politely why not."""
    turn.outcome = "link"
    turn.hidden.append(code)
    now = utcnow()
    codes = LinkCodes(turn.session)
    locked = await codes.locked_until(turn.state.id, now)
    if locked is not None:
        return _locked(turn, locked, now)
    if not await within(turn, "link"):
        return _limited(turn)
    digest = code_hash(code, turn.settings)
    issued = await codes.find(digest, now)
    if issued is None:
        await codes.wrong_guess(now, limit=WRONG_PER_CODE)
        lock_until = now + LOCKOUT
        if await codes.failed(turn.state.id, limit=MAX_WRONG, lock_until=lock_until, now=now):
            return _locked(turn, lock_until, now)
        return _back(turn, "link.wrong")
    if issued.user_id == turn.state.user_id:  # the code stays valid for the other channel
        return _back(turn, "link.here" if issued.conversation_id == turn.state.id else "link.same")
    if not await codes.claim(digest, turn.state.id, now):
        # Typed in a second place while the first waits for the owner: one of them is not the
        # owner, and nobody can tell which. The code dies; the owner asks for another.
        await codes.drop(digest)
        return _back(turn, "link.wrong")
    issuer = await _ask(turn, issued)
    return _back(turn, "link.asked", channel=_channel_name(turn, issuer.channel))


async def _ask(turn: Turn, issued: IssuedCode) -> Recipient:
    """Ask the conversation that got the code whether this one may join it; a digit there
    picks the answer."""
    issuer = await Tickets(turn.session).recipient_locked(issued.conversation_id)
    lang = issuer.language
    asking = _channel_name(turn, turn.inbound.channel, lang)
    choices = [
        option(turn.messages.text(lang, "link.allow"), LinkAnswer(allow=True)),
        option(turn.messages.text(lang, "link.refuse"), LinkAnswer(allow=False)),
    ]
    question = Outbound(turn.messages.text(lang, "link.confirm", channel=asking), tuple(choices))
    await notify(turn.session, reach(issuer), [question])
    await Conversations(turn.session).offer(
        issuer.conversation_id, [(o.label, o.payload) for o in choices]
    )
    return issuer


async def answer(turn: Turn, allow: bool) -> Outbound:
    """The code's side answers: yes merges the asking channel's user into this one; no kills
    the code. Either way the asking side is told."""
    turn.outcome = "link"
    now = utcnow()
    codes = LinkCodes(turn.session)
    claim = await codes.claim_of(turn.state.id, now)
    if claim is None:  # expired, answered already, or a forged button
        return _back(turn, "link.nothing_pending")
    asking = await Tickets(turn.session).recipient_locked(claim.claimed_by)
    if not allow:
        await codes.drop(claim.code_hash)
        await _tell(turn, asking, "link.refused")
        return _back(turn, "link.refused_here")
    if not await _merge(turn, claim):
        return _back(turn, "link.nothing_pending")
    await _tell(
        turn,
        asking,
        "link.done_there",
        channel=_channel_name(turn, turn.inbound.channel, asking.language),
    )
    return _back(turn, "link.done", channel=_channel_name(turn, asking.channel))


async def _merge(turn: Turn, claim: Claim) -> bool:
    """Merge the asking conversation's user into this one's; False when the code or either
    user is gone meanwhile (a merge running at the same moment took one)."""
    absorbed = await Conversations(turn.session).user_of(claim.claimed_by)
    survivor = turn.state.user_id
    if absorbed is None or absorbed == survivor or claim.user_id != survivor:
        return False
    users, codes = Users(turn.session), LinkCodes(turn.session)
    # Locks first, then the code: a merge running at the same moment may have taken either.
    if not (
        await users.lock_for_merge(absorbed, into=survivor)
        and await codes.use(claim.code_hash, survivor, utcnow())
    ):
        return False
    await codes.forget_user(absorbed)
    await users.merge(absorbed, into=survivor)
    await codes.succeeded(claim.claimed_by)
    return True


async def _tell(turn: Turn, to: Recipient, key: str, **params: object) -> None:
    text = turn.messages.text(to.language, key, **params)
    await notify(turn.session, reach(to), [Outbound(text)])


def _channel_name(turn: Turn, channel: str, lang: str | None = None) -> str:
    """The channel as users call it ("微信", "Telegram") in `lang` (the conversation's when
    None); "另一个渠道" when the catalogue has no name for it."""
    messages: Catalogue = turn.messages
    lang = lang or turn.state.language
    key = f"link.channel.{channel}"
    known = key in messages.texts.get(lang, messages.texts["zh"])
    return messages.text(lang, key if known else "link.channel.other")


def _limited(turn: Turn) -> Outbound:
    turn.outcome = "limited"
    return _back(turn, "limit.link")


def _locked(turn: Turn, until: datetime, now: datetime) -> Outbound:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return _back(turn, "link.locked", minutes=minutes)


def _back(turn: Turn, key: str, **params: object) -> Outbound:
    return turn.reply(turn.text(key, **params), options=[turn.option("menu.back", Menu())])
