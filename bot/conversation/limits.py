"""Rate limits: how often one identity, and one network address, may do each costly thing.

    action    what is counted                  window   settings (per identity, per address)
    chat      every message                    minute   limit_chat, limit_chat_per_address
    link      link codes asked for or typed    hour     limit_link, limit_link_per_address
    ticket    tickets opened for staff         hour     limit_tickets, limit_tickets_per_address
    booking   visits booked                    day      limit_bookings, limit_bookings_per_address

An identity is a conversation key. Telegram and WeChat ids cannot be made up; web identities
can (a client that drops its cookie gets a new one), so on the web the client's address
(`Inbound.address`) is counted too. An integration with the API key speaks for many people from
one address: its messages carry no address and count per named user only.

Counted in the database, in the turn's transaction, so every server process sees the same
counts; the subjects are stored as keyed hashes, never as addresses or ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bot.config import Settings
from bot.conversation.turn import Turn
from bot.privacy.sealing import data_key
from storage.models.base import utcnow
from storage.repositories.limits import RateCounts

Action = Literal["chat", "link", "ticket", "booking"]
PURPOSE = "rate limits"  # the label of the key that hashes the subjects


@dataclass(frozen=True, slots=True)
class Limit:
    window: timedelta
    per_identity: int
    per_address: int


def limit(settings: Settings, action: Action) -> Limit:
    match action:
        case "chat":
            return Limit(timedelta(minutes=1), settings.limit_chat, settings.limit_chat_per_address)
        case "link":
            return Limit(timedelta(hours=1), settings.limit_link, settings.limit_link_per_address)
        case "ticket":
            return Limit(
                timedelta(hours=1), settings.limit_tickets, settings.limit_tickets_per_address
            )
        case "booking":
            return Limit(
                timedelta(days=1), settings.limit_bookings, settings.limit_bookings_per_address
            )


async def within(turn: Turn, action: Action) -> bool:
    """Count one `action` for this turn's identity and address; whether both are within their
    limits (when not, the caller does not do it and says so politely). Refused attempts are
    counted too."""
    rule = limit(turn.settings, action)
    counts, key, now = RateCounts(turn.session), data_key(turn.settings), utcnow()
    checks = [(f"identity:{turn.inbound.key}", rule.per_identity)]
    if turn.inbound.address is not None:
        checks.append((f"address:{turn.inbound.address}", rule.per_address))
    allowed = True
    for subject, most in checks:
        hits = await counts.hit(action, key.fingerprint(PURPOSE, subject), rule.window, now)
        allowed = allowed and hits <= most
    return allowed
