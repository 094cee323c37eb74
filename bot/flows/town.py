"""Setting the user's town: later flows default to its station, and contact details use it."""

from __future__ import annotations

from typing import Literal, get_args

from bot.conversation.payloads import FlowValue, Menu, TownPick
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows.base import StepFlow
from bot.flows.expected import Expected, town_answer
from bot.flows.request.fields import find_station
from bot.skills.contact import contact_lines

TownStep = Literal["town"]


class TownFlow(StepFlow[TownStep]):
    name = "town"
    steps = get_args(TownStep)

    async def prompt(self, turn: Turn, step: TownStep) -> list[Outbound]:
        return [turn.reply(turn.text("town.ask"), options=self._towns(turn))]

    def expects(self, turn: Turn, step: TownStep) -> Expected:
        return town_answer(turn.kb)

    async def handle(
        self, turn: Turn, step: TownStep, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        if isinstance(picked, TownPick):
            station, typed = turn.kb.station(picked.station_id), picked.station_id
        else:
            station, typed = find_station(turn.kb, text or "", county=False), (text or "").strip()
        if station is None or station.level == "county":
            return [turn.reply(turn.text("town.not_found", text=typed), options=self._towns(turn))]
        turn.state.station_id = station.id
        turn.state.leave_flow()
        name = station.name_en if turn.english and station.name_en else station.name
        lines = contact_lines(turn)[1:]  # without "You can contact:", the sentence says it
        return [turn.reply(turn.text("town.set", town=name), *lines, options=_back(turn))]

    def _towns(self, turn: Turn) -> list[Option]:
        towns = [s for s in turn.kb.stations if s.level == "town"]
        return [
            *(
                self.option(s.name_en if turn.english and s.name_en else s.name, TownPick(s.id))
                for s in towns
            ),
            turn.option("menu.back", Menu()),
        ]


def _back(turn: Turn) -> list[Option]:
    return [turn.option("menu.back", Menu())]
