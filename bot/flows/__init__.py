"""Flows: conversations that take the user's messages for a while: setting your town, request
forms, bookings, and the conversation with staff (handoff).

Register each flow here by name; the conversation state stores the name.
"""

from __future__ import annotations

from bot.conversation.payloads import FlowName
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.flows.base import Flow
from bot.flows.booking.flow import BookingFlow
from bot.flows.feedback import FeedbackFlow
from bot.flows.guide.flow import GuideFlow
from bot.flows.handoff import HandoffFlow
from bot.flows.request.flow import RequestFlow
from bot.flows.town import TownFlow

FLOWS: dict[FlowName, Flow] = {
    flow.name: flow
    for flow in (
        TownFlow(),
        RequestFlow(),
        BookingFlow(),
        HandoffFlow(),
        FeedbackFlow(),
        GuideFlow(),
    )
}


def running(name: str | None) -> Flow | None:
    """The flow a conversation's stored `flow` names; None for none, or for one this version no
    longer has."""
    return next((flow for known, flow in FLOWS.items() if known == name), None)


async def begin(turn: Turn, name: FlowName) -> Outbound:
    """Start flow `name` where one reply is wanted (an intent): a flow's start asks one thing."""
    first, *rest = await FLOWS[name].start(turn)
    assert not rest, f"flow {name!r} started with {1 + len(rest)} replies"
    return first


__all__ = ["FLOWS", "Flow", "begin", "running"]
