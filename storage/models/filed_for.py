"""The veteran a request or a booking was filed for, when a family member (or a village cadre)
filed it on their behalf: who they are to the filer, and how staff can reach them to confirm.

The filer stays the request's or booking's user (progress notices go to them); this row is the
veteran's personal data, which only staff use. `id_number` is sealed (encrypted) by the
application, as a form's ID number is; `id_fingerprint` is a keyed hash of the clear number, so
every filing for one veteran can be found (export, erasure) without opening each sealed value.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class FiledFor(Base):
    """Whom one request or one booking (exactly one of the two) was filed for."""

    __tablename__ = "filed_for"
    __table_args__ = (
        CheckConstraint("(request_id IS NULL) <> (booking_id IS NULL)", name="one_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), unique=True
    )
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True
    )
    # What the filer is to the veteran: spouse, child, parent, relative, cadre.
    relationship: Mapped[str] = mapped_column(String(16))
    # What the veteran is to the filer, from the relationship and the ID number: father, wife…
    kin: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(Text)  # sealed
    id_fingerprint: Mapped[str] = mapped_column(String(32), index=True)
    phone: Mapped[str] = mapped_column(String(32))
    consented_at: Mapped[datetime] = mapped_column()  # when the filer declared the veteran agreed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
