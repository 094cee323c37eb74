"""The booking flow's steps for booking on someone else's behalf (代办): the privacy consent,
whose declaration says the veteran agreed, then the questions about the veteran
(`request.proxy`: relationship, name, ID number, phone), then back to the service question.
`BookingFlow` takes them on; "back" walks them in reverse."""

from __future__ import annotations

from abc import abstractmethod

from bot.conversation.payloads import FlowValue
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.flows.base import StepFlow, chose
from bot.flows.booking.asking import ask
from bot.flows.booking.draft import BookingStep, Draft
from bot.flows.request import proxy


class BehalfSteps(StepFlow[BookingStep]):
    @abstractmethod
    async def _to(self, turn: Turn, draft: Draft, step: BookingStep) -> list[Outbound]:
        """Keep `draft` and ask `step`."""

    async def _behalf_consent(
        self, turn: Turn, draft: Draft, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        """Booking for someone else: agreed (and declared the veteran agreed), or not after all."""
        if chose(turn, text, picked, "yes", "agree"):
            draft.behalf, draft.behalf_at = proxy.Behalf.declared().to_state(), proxy.ASKED[0]
            return await self._to(turn, draft, "behalf")
        if chose(turn, text, picked, "no", "refuse"):
            return await self._to(turn, Draft(), "service")  # for oneself, then
        again = turn.text("form.consent_again")
        return [await ask(self, turn, draft, "behalf_consent", again)]

    async def _behalf(
        self, turn: Turn, draft: Draft, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        """An answer about the veteran; after the last, the service question again."""
        behalf = proxy.Behalf.from_state(draft.behalf)
        if behalf is None or draft.behalf_at not in proxy.ASKED:
            return await self._to(turn, Draft(), "service")
        kept = behalf.answered(draft.behalf_at) and chose(turn, text, picked, "keep", "keep")
        problem = None if kept else proxy.take(turn, behalf, draft.behalf_at, text, picked)
        if problem is not None:
            return [await ask(self, turn, draft, "behalf", problem)]
        draft.behalf = behalf.to_state()
        index = proxy.ASKED.index(draft.behalf_at) + 1
        if index < len(proxy.ASKED):
            draft.behalf_at = proxy.ASKED[index]
            return await self._to(turn, draft, "behalf")
        return await self._to(turn, draft, "service")

    async def _behalf_back(self, turn: Turn, draft: Draft, step: BookingStep) -> list[Outbound]:
        """Back from the service question to the last question about the veteran, from one of
        those to the one before, from the first to the consent."""
        index = len(proxy.ASKED) if step == "service" else proxy.ASKED.index(draft.behalf_at)
        if index == 0:
            draft.behalf, draft.behalf_at = {}, ""
            return await self._to(turn, draft, "behalf_consent")
        draft.behalf_at = proxy.ASKED[index - 1]
        return await self._to(turn, draft, "behalf")
