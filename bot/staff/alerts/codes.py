"""The one-time code that links a staff member's Telegram account: asked for in the console,
typed in the station's Telegram staff chat as `/link CODE`. Like the veterans' link codes: from
`secrets`, stored only as a keyed hash, used once, short-lived, and guessing is capped."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Settings
from bot.privacy.sealing import data_key
from storage.database import Database
from storage.repositories.alerts import StaffTelegramLinks
from storage.repositories.audit import AuditLog
from storage.repositories.staff import StaffAccount

DIGITS = 8
LASTS = timedelta(minutes=10)
WRONG_PER_HOUR = 5  # wrong codes one Telegram account may type in an hour


@dataclass(frozen=True)
class Issued:
    code: str
    expires_at: datetime


def code_hash(code: str, settings: Settings) -> str:
    return data_key(settings).fingerprint("staff telegram codes", code)


async def issue(
    database: Database, settings: Settings, staff: StaffAccount, now: datetime
) -> Issued:
    """A new code for `staff` (their earlier one stops working), audited."""
    while True:
        code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
        async with database.transaction() as session:
            if await StaffTelegramLinks(session).issue(
                code_hash(code, settings), staff.id, now + LASTS, now
            ):
                await AuditLog(session).add(
                    "telegram_code",
                    staff_id=staff.id,
                    username=staff.username,
                    station_id=staff.station_id,
                    detail={},
                    at=now,
                )
                return Issued(code, now + LASTS)
