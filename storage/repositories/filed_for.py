"""Whom a request or a booking was filed for: store it with the filing, read it back with it,
and find every filing for one veteran by the fingerprint of their ID number."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FiledFor
from storage.models.base import utcnow

Case = Literal["request", "booking"]


@dataclass(frozen=True, slots=True)
class Veteran:
    """The veteran a filing is for, as stored: the ID number sealed, the phone as typed (clean).

    `relationship` is what the filer is to the veteran (spouse, child, parent, relative,
    cadre); `kin` what the veteran is to the filer (father, wife, …, relative, villager)."""

    relationship: str
    kin: str
    name: str
    id_number: str
    id_fingerprint: str
    phone: str
    consented_at: datetime


class Veterans:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, veteran: Veteran, case: Case, case_id: int) -> None:
        """Store `veteran` as whom request or booking `case_id` is for."""
        self.session.add(
            FiledFor(
                request_id=case_id if case == "request" else None,
                booking_id=case_id if case == "booking" else None,
                relationship=veteran.relationship,
                kin=veteran.kin,
                name=veteran.name,
                id_number=veteran.id_number,
                id_fingerprint=veteran.id_fingerprint,
                phone=veteran.phone,
                consented_at=veteran.consented_at,
                created_at=utcnow(),
            )
        )
        await self.session.flush()

    async def of_cases(self, case: Case, case_ids: Iterable[int]) -> dict[int, Veteran]:
        """Whom each of these requests (or bookings) was filed for; those filed by the veteran
        themselves are absent."""
        wanted = sorted(set(case_ids))
        if not wanted:
            return {}
        column = FiledFor.request_id if case == "request" else FiledFor.booking_id
        rows = await self.session.scalars(select(FiledFor).where(column.in_(wanted)))
        found = {}
        for row in rows:
            case_id = row.request_id if case == "request" else row.booking_id
            assert case_id is not None
            found[case_id] = _veteran(row)
        return found

    async def filed_for(self, id_fingerprint: str) -> list[tuple[Case, int]]:
        """Every request and booking filed for the veteran of this ID-number fingerprint."""
        rows = await self.session.execute(
            select(FiledFor.request_id, FiledFor.booking_id)
            .where(FiledFor.id_fingerprint == id_fingerprint)
            .order_by(FiledFor.id)
        )
        found: list[tuple[Case, int]] = []
        for request_id, booking_id in rows.all():
            if request_id is not None:
                found.append(("request", request_id))
            elif booking_id is not None:
                found.append(("booking", booking_id))
        return found


def _veteran(row: FiledFor) -> Veteran:
    return Veteran(
        relationship=row.relationship,
        kin=row.kin,
        name=row.name,
        id_number=row.id_number,
        id_fingerprint=row.id_fingerprint,
        phone=row.phone,
        consented_at=row.consented_at,
    )
