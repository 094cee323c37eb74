"""The request state machine, and telling the user of each move.

    submitted → accepted → in_progress → done
         └──────────┴───────────┴──────→ rejected

`done` and `rejected` are final. Storage records a move conditionally on the state it was read
in (two staff members acting at once move it once); which moves are allowed is decided here.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.notices import tell
from bot.conversation.types import ConversationKey
from bot.messages import Catalogue
from policies.loader import KnowledgeBase
from storage.repositories.requests import Filed, Requests, StateChangeRefused

RequestState = Literal["submitted", "accepted", "in_progress", "done", "rejected"]
STATES: Final[tuple[RequestState, ...]] = get_args(RequestState)

# Each state and the states it may move to.
TRANSITIONS: Final[dict[str, tuple[RequestState, ...]]] = {
    "submitted": ("accepted", "rejected"),
    "accepted": ("in_progress", "done", "rejected"),
    "in_progress": ("done", "rejected"),
    "done": (),
    "rejected": (),
}


async def change_request_state(
    session: AsyncSession,
    kb: KnowledgeBase,
    messages: Catalogue,
    number: str,
    state: str,
    actor: str,
    note: str = "",
) -> Filed:
    """Move request `number` to `state`, record it, and tell the user.

    Raises `ValueError` for a state that does not exist, and `StateChangeRefused` when the
    request cannot move there from where it is (or moved meanwhile).
    """
    if state not in TRANSITIONS:
        raise ValueError(f"unknown state {state!r}; states are {', '.join(STATES)}")
    requests = Requests(session)
    current = await requests.get(number)
    if current is None:
        raise StateChangeRefused(f"there is no request {number}")
    if state not in TRANSITIONS[current.state]:
        allowed = ", ".join(TRANSITIONS[current.state]) or "none (it is closed)"
        raise StateChangeRefused(
            f"{number} is {current.state}; it can move to: {allowed}, not {state}"
        )
    filed = await requests.change_state(current, state, actor, note)
    lang = filed.language
    request_type = kb.request_type(filed.type_id)
    title = filed.type_id
    if request_type is not None:
        title = request_type.title.en if lang == "en" else request_type.title.zh
    lines = [
        messages.text(
            lang,
            "progress.request",
            number=number,
            title=title,
            state=messages.text(lang, f"state.{state}"),
        )
    ]
    if note:
        lines.append(messages.text(lang, "progress.note", note=note))
    to = ConversationKey(filed.channel, filed.chat_id, filed.external_user_id)
    await tell(session, to, messages, lang, lines, filed.filed_for)
    return filed
