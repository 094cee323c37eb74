"""The typed context of one turn: what every handler and flow receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.conversation.knowledge import Knowledge
from bot.conversation.payloads import Payload, option
from bot.conversation.types import Inbound, Option, Outbound
from bot.messages import Catalogue
from intents.decision import Decision
from policies.loader import KnowledgeBase
from storage.repositories.conversations import ConversationState

# What came of one message, for metrics and the message log.
Outcome = Literal[
    "menu",
    "stale",  # an option that no longer leads anywhere
    "invalid_option",
    "answer",
    "clarify",
    "fallback",
    "language",
    "status",
    "link",
    "flow",  # a step of a flow asked or answered
    "request",  # a form filed
    "booking",
    "booking_full",
    "booking_cancelled",
    "handoff",
    "urgent",
    "relayed",  # passed on to the staff member in the conversation
    "rated",
    "feedback",  # 有帮助 / 没帮助 said of an answer, and what was missing (bot/flows/feedback.py)
    "limited",  # over a rate limit (`limits.py`): said so politely, nothing done
    "intent:greet",
    "intent:help",
    "intent:book_appointment",
    "intent:file_request",
    "intent:my_status",
    "intent:cancel",
    "intent:thanks",
    "intent:out_of_scope",
    "intent:guide",  # a guide started from how the question was put (policies/guides.yaml)
    "intent:unknown",  # understanding named an intent this version cannot act on
]


@dataclass
class Turn:
    """One inbound message being handled, inside its conversation's lock and transaction.

    Handlers change `state` and return replies; the engine logs and saves everything at the
    end, in the same transaction as anything a handler wrote through `session`.
    """

    inbound: Inbound
    state: ConversationState
    knowledge: Knowledge
    session: AsyncSession
    settings: Settings
    messages: Catalogue
    today: date
    decision: Decision | None = None  # understanding of the text, when worked out in advance
    outcome: Outcome = "menu"
    entry_id: str | None = None  # the knowledge-base entry answered, if any
    # Text the message log must not keep (a link code: whoever reads it could take the user's
    # record). The replies themselves carry it; the log shows dots instead.
    hidden: list[str] = field(default_factory=list)
    # What the log keeps of the user's message instead of its text, when a form field took it:
    # the masked value it gave, never what was typed (`430626 19750505 4321` stays whole to
    # a pattern that looks for digits in a row).
    logged_as: str | None = None

    @property
    def kb(self) -> KnowledgeBase:
        return self.knowledge.kb

    @property
    def english(self) -> bool:
        return self.state.language == "en"

    def text(self, key: str, **params: object) -> str:
        """Sentence `key` from the catalogue, in the conversation's language."""
        return self.messages.text(self.state.language, key, **params)

    def reply(self, *lines: str, options: list[Option] | tuple[Option, ...] = ()) -> Outbound:
        """One reply: the non-empty `lines`, one per line, with `options` to pick from."""
        return Outbound(text="\n".join(line for line in lines if line), options=tuple(options))

    def option(self, key: str, payload: Payload) -> Option:
        """An option labelled with catalogue sentence `key`."""
        return option(self.text(key), payload)

    def for_log(self, text: str) -> str:
        """`text` as the message log may keep it: every `hidden` string masked."""
        for secret in self.hidden:
            text = text.replace(secret, "•" * len(secret))
        return text
