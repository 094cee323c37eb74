"""Flows: multi-step conversations: setting your town, request forms, bookings.

Register each flow here by name; the conversation state stores the name.
"""

from __future__ import annotations

from bot.channels.base import Outbound
from bot.flows.base import Flow
from bot.flows.booking import BookingFlow
from bot.flows.request import RequestFlow
from bot.flows.town import TownFlow
from bot.turn import Turn

FLOWS: dict[str, Flow] = {flow.name: flow for flow in (TownFlow(), RequestFlow(), BookingFlow())}


async def begin(turn: Turn, name: str, argument: str = "") -> Outbound:
    """Start flow `name` where one reply is wanted (an intent): a flow's start asks one thing."""
    first, *rest = await FLOWS[name].start(turn, argument)
    assert not rest, f"flow {name!r} started with {1 + len(rest)} replies"
    return first


__all__ = ["FLOWS", "Flow", "begin"]
