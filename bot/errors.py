"""The application's exceptions. Storage and knowledge-base errors have their own trees
(`storage.errors`, `policies.errors`); the engine turns them into these at its edge.

    VetbotError                 -- base of the application's exceptions
     ├── TryAgainLater          -- the turn was not handled (database unavailable); nothing was
     │                             written; `replies` tell the user, the caller answers 503
     ├── KnowledgeUnavailable   -- no valid knowledge base to start with; `problems` say where
     ├── PersonalDataUnreadable -- a sealed ID number does not open with this server's data
     │                             key (`bot/privacy/sealing.py`); VETBOT_DATA_KEY changed
     └── StaffActionError       -- a staff console action that cannot be done (`bot/staff`)
          ├── NotVisible        -- no such ticket, or not one this staff member sees (404)
          └── ActionRefused     -- not in this state or not by this member; `key` names the
                                   catalogue sentence that says why (409)
"""

from __future__ import annotations

from bot.conversation.types import Outbound
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


class StaffActionError(VetbotError):
    """A staff console action that cannot be done."""


class NotVisible(StaffActionError):
    """The ticket (request, booking) does not exist or is outside what this member sees. The
    two are one error on purpose: a refusal must not reveal that something exists."""


class ActionRefused(StaffActionError):
    """The action does not fit the ticket's state or the member's role. `key` is the catalogue
    sentence (staff.error.*) shown to the staff member."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
