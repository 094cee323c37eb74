"""The application's exceptions. Storage and knowledge-base errors have their own trees
(`storage.errors`, `policies.errors`); the engine turns them into these at its edge.

    VetbotError                 -- base of the application's exceptions
     ├── TryAgainLater          -- the turn was not handled (database unavailable); nothing was
     │                             written; `replies` tell the user, the caller answers 503
     ├── KnowledgeUnavailable   -- no valid knowledge base to start with; `problems` say where
     └── PersonalDataUnreadable -- a sealed ID number does not open with this server's data
                                   key (`bot/personal.py`); VETBOT_DATA_KEY changed
"""

from __future__ import annotations

from bot.channels.base import Outbound
from policies.errors import Problem


class VetbotError(Exception):
    """Base class of vetbot's application errors."""


class TryAgainLater(VetbotError):
    """The message could not be handled now. Show `replies`, and let the platform redeliver."""

    def __init__(self, reason: str, replies: list[Outbound]) -> None:
        super().__init__(reason)
        self.replies = replies


class KnowledgeUnavailable(VetbotError):
    """The knowledge base failed validation when there was no earlier good one to keep serving."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems if not p.warning)
        super().__init__(
            f"the knowledge base does not validate; fix these and start again "
            f"(`vetbot policies check` lists them too):\n{lines}"
        )
