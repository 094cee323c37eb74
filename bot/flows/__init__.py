"""Flows: multi-step conversations (setting your town now; request forms and bookings later).

Register each flow here by name; the conversation state stores the name.
"""

from __future__ import annotations

from bot.flows.base import Flow
from bot.flows.town import TownFlow

FLOWS: dict[str, Flow] = {flow.name: flow for flow in (TownFlow(),)}

__all__ = ["FLOWS", "Flow"]
