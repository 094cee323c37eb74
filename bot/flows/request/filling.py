"""A form being filled in this turn: the turn, where the form stands, and the type it is of.

The request flow's steps, its questions (`asking`) and its filing (`filing`) all work on one
`Filling`, read once from the conversation state at the start of the turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation.turn import Turn
from bot.flows.request.form import Form, stops
from bot.flows.request.shown import Shown
from policies.schema import RequestType, Station


@dataclass(slots=True)
class Filling:
    turn: Turn
    form: Form
    request_type: RequestType

    @classmethod
    def of(cls, turn: Turn) -> tuple[Form, Filling | None]:
        """The form kept in the conversation state; no `Filling` when its type is gone."""
        form = Form.from_state(turn.state.values)
        request_type = turn.kb.request_type(form.type_id)
        return form, None if request_type is None else cls(turn, form, request_type)

    def stops(self) -> list[str]:
        return stops(self.request_type, self.form.ask_town, behalf=self.form.behalf is not None)

    def station(self) -> Station:
        return handling_station(self.turn, self.request_type)

    def shown(self) -> Shown:
        turn = self.turn
        return Shown(turn.state.language, turn.kb, turn.settings, turn.messages)

    def keep(self) -> None:
        """Store where the form stands in the conversation state."""
        self.turn.state.values = self.form.to_state()


def handling_station(turn: Turn, request_type: RequestType) -> Station:
    """Whose queue the request goes to: the user's own station at the type's level."""
    if request_type.urgent:
        return turn.kb.county_station()
    return turn.kb.station_at(turn.state.station_id, request_type.station_level)
