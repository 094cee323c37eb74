"""Filing a confirmed form: the request with its tracking number in the queue of the station
that handles it, a ticket when a person must take it up, all in the turn's transaction."""

from __future__ import annotations

import logging

from bot.conversation.payloads import Menu, Status
from bot.conversation.types import Outbound
from bot.flows import handoff
from bot.flows.request import proxy
from bot.flows.request.filling import Filling
from storage.repositories.requests import Requests

log = logging.getLogger(__name__)


async def file(at: Filling) -> list[Outbound]:
    turn, form, request_type = at.turn, at.form, at.request_type
    station = at.station()
    key = turn.inbound.key
    filed = await Requests(turn.session).file(
        prefix=turn.settings.number_prefix,
        year=turn.today.year,
        user_id=turn.state.user_id,
        type_id=request_type.id,
        station_id=station.id,
        answers=form.answers,
        language=turn.state.language,
        channel=key.channel,
        chat_id=key.chat_id,
        external_user_id=key.user_id,
        filed_for=form.behalf.veteran() if form.behalf else None,
    )
    log.info(
        "request filed",
        extra={
            "number": filed.number,
            "type": request_type.id,
            "station": station.id,
            "for_someone": form.behalf is not None,
        },
    )
    turn.state.leave_flow()
    turn.outcome = "request"
    staff = ""
    if request_type.needs_staff or request_type.urgent:  # a person takes it up: a ticket
        staff = await handoff.for_request(
            turn,
            request_id=filed.id,
            station=station,
            category=request_type.id,
            urgent=request_type.urgent,
        )
    behalf = ""
    if form.behalf is not None:
        lang, name = turn.state.language, form.behalf.name
        on_behalf = proxy.on_behalf(turn.messages, lang, form.behalf.kin, name)
        behalf = turn.text("family.filed", on_behalf=on_behalf)
    shown_station = at.shown().station(station.id)
    return [
        turn.reply(
            turn.text("form.filed", number=filed.number, station=shown_station),
            behalf,
            staff,
            turn.text("form.after_filing"),
            options=[turn.option("menu.status", Status()), turn.option("menu.back", Menu())],
        )
    ]
