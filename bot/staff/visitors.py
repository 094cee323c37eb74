"""Who is coming to a booked visit, for the staff who receive them.

The booking form asks for no name or phone; the person's newest filed request that gave them
does, so staff see those and the request's number, the phone masked until revealed (as in a
request). A person who never filed one is shown as not having left them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy.masking import mask_phone
from policies.loader import KnowledgeBase
from storage.repositories.requests import Filed, Requests

NAME_FIELD = "name"  # what every form calls the person's name (policies/requests.yaml)


@dataclass(frozen=True, slots=True)
class Visitor:
    name: str
    phone: str
    request: str  # the number of the request they gave them in

    def masked(self) -> Visitor:
        return replace(self, phone=mask_phone(self.phone)) if self.phone else self


async def visitors(
    session: AsyncSession,
    kb: KnowledgeBase,
    user_ids: Iterable[int],
    readable: Callable[[str], bool],
) -> dict[int, Visitor]:
    """The name and phone each user gave in their newest request that has them, of the requests
    at the stations where `readable(station_id)`: what a member may not read stays unread."""
    found: dict[int, Visitor] = {}
    for user_id in sorted(set(user_ids)):
        for filed in await Requests(session).of_user(user_id):
            visitor = _given(kb, filed) if readable(filed.station_id) else None
            if visitor is not None:
                found[user_id] = visitor
                break
    return found


def _given(kb: KnowledgeBase, filed: Filed) -> Visitor | None:
    request_type = kb.request_type(filed.type_id)
    if request_type is None:
        return None
    answered = {f.name: str(filed.answers.get(f.name) or "") for f in request_type.fields}
    name = answered.get(NAME_FIELD, "")
    phones = [answered[f.name] for f in request_type.fields if f.type == "phone"]
    phone = next((p for p in phones if p), "")
    if not name and not phone:
        return None
    return Visitor(name, phone, filed.number)
