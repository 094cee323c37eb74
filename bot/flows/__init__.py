"""Flows: multi-step conversations: setting your town, request forms, bookings.

Register each flow here by name; the conversation state stores the name.
"""

from __future__ import annotations

from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.flows.base import Flow
from bot.flows.booking.flow import BookingFlow
from bot.flows.request.flow import RequestFlow
from bot.flows.town import TownFlow

FLOWS: dict[str, Flow] = {flow.name: flow for flow in (TownFlow(), RequestFlow(), BookingFlow())}


async def begin(turn: Turn, name: str, argument: str = "") -> Outbound:
    """Start flow `name` where one reply is wanted (an intent): a flow's start asks one thing."""
    first, *rest = await FLOWS[name].start(turn, argument)
    assert not rest, f"flow {name!r} started with {1 + len(rest)} replies"
    return first


__all__ = ["FLOWS", "Flow", "begin"]
