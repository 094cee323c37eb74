"""How to reach a person: the user's station from the directory, never an invented number."""

from __future__ import annotations

from bot.conversation.payloads import Menu, Town
from bot.conversation.turn import Turn
from bot.conversation.types import Option
from policies.schema import Station


def station_for(turn: Turn) -> Station:
    """The user's own station when they told us their town (the county centre when that
    township's station is not on record), else the county centre."""
    return turn.kb.serving(turn.state.station_id)


def contact_lines(turn: Turn) -> list[str]:
    """The station's name, address, phone and hours, saying plainly what is not on record."""
    station = station_for(turn)
    name = station.name_en if turn.english and station.name_en else station.name
    lines = [turn.text("contact.intro"), name]
    if station.address:
        lines.append(turn.text("contact.address", address=station.address))
    if station.phone:
        lines.append(turn.text("contact.phone", phone=station.phone))
    if station.hours:
        lines.append(turn.text("contact.hours", hours=station.hours))
    if not station.address and not station.phone:
        lines.append(turn.text("contact.unknown"))
    if turn.state.station_id is None:
        lines.append(turn.text("contact.set_town"))
    return lines


def contact_options(turn: Turn) -> list[Option]:
    options = [] if turn.state.station_id else [turn.option("menu.town", Town())]
    return [*options, turn.option("menu.back", Menu())]
