""" "我的申请" / @my_status: the user's requests and bookings with their states; those the user
filed for someone else marked so ("（代 父亲 张三 办理）")."""

from __future__ import annotations

from bot.conversation.payloads import ChangeBooking, Menu, option
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows.booking.words import visit_line
from bot.flows.request.proxy import on_behalf
from bot.flows.request.shown import Shown
from storage.repositories.bookings import Bookings
from storage.repositories.requests import Requests, Veteran

SHOWN = 10  # of each kind, newest first; older ones are for staff to look up
ACTIONABLE = 3  # bookings that get cancel / move options (more would bury the menu)


async def status(turn: Turn) -> Outbound:
    turn.outcome = "status"
    user_id, lang = turn.state.user_id, turn.state.language
    filed = await Requests(turn.session).of_user(user_id, SHOWN)
    visits = await Bookings(turn.session).of_user(user_id, SHOWN)
    back = turn.option("menu.back", Menu())
    if not filed and not visits:
        return turn.reply(turn.text("status.none"), options=[back])
    shown = Shown(lang, turn.kb, turn.settings, turn.messages)
    lines = []
    if filed:
        lines.append(turn.text("status.requests"))
        for request in filed:
            request_type = turn.kb.request_type(request.type_id)
            lines.append(
                turn.text(
                    "status.request",
                    number=request.number,
                    title=shown.title(request_type) if request_type else request.type_id,
                    state=turn.text(f"state.{request.state}"),
                    station=shown.station(request.station_id),
                    day=request.created_at.date().isoformat(),
                )
                + _marked(turn, request.filed_for)
            )
    options: list[Option] = []
    if visits:
        lines.append(turn.text("status.bookings"))
        for visit in visits:
            line = visit_line(turn.messages, turn.kb, lang, visit)
            state = turn.text(f"visit.{visit.state}")
            lines.append(turn.text("status.booking", visit=line, state=state))
            lines[-1] += _marked(turn, visit.filed_for)
        upcoming = [v for v in visits if v.state == "booked" and v.place.day >= turn.today]
        for number in [visit.number for visit in upcoming[:ACTIONABLE]]:
            move, cancel = ChangeBooking("move", number), ChangeBooking("cancel", number)
            options.append(option(turn.text("status.move", number=number), move))
            options.append(option(turn.text("status.cancel", number=number), cancel))
    return turn.reply(*lines, options=[*options, back])


def _marked(turn: Turn, veteran: Veteran | None) -> str:
    """What marks a line as filed for someone else; nothing for the user's own."""
    if veteran is None:
        return ""
    behalf = on_behalf(turn.messages, turn.state.language, veteran.kin, veteran.name)
    return turn.text("family.status_mark", on_behalf=behalf)
