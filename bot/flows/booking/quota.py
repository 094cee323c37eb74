"""How much one person may book: a cap on visits held at once, and the daily booking rate.

One identity booking every place of a station would shut everyone else out; so a user holds at
most `max_open_bookings` visits not yet made (moving one keeps it), and bookings count against
the `booking` rate limit per identity and address (`bot.conversation.limits`).
"""

from __future__ import annotations

from bot.conversation.limits import within
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.skills.menu import main_menu
from storage.repositories.bookings import Bookings


async def holding_too_many(turn: Turn) -> str | None:
    """Why the user may not start another booking (they hold the most visits), or None."""
    held = await Bookings(turn.session).upcoming(turn.state.user_id, turn.today)
    cap = turn.settings.max_open_bookings
    if held < cap:
        return None
    return turn.text("limit.bookings_held", count=held, limit=cap)


async def refusal(turn: Turn) -> str | None:
    """Why this new booking may not be made now, or None: checked when it is confirmed."""
    held = await holding_too_many(turn)
    if held is not None:
        return held
    return None if await within(turn, "booking") else turn.text("limit.booking")


def refuse(turn: Turn, why: str) -> Outbound:
    """Out of the booking flow, with `why` above the main menu."""
    turn.state.leave_flow()
    reply = main_menu(turn, why)
    turn.outcome = "limited"
    return reply
