"""Alert destinations whose latest alert failed: shown on /healthz and as a console banner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.staff.alerts.targets import CHANNELS, WECOM, staff_chats
from bot.staff.desk import Desk
from bot.staff.permissions import sees
from policies.loader import KnowledgeBase
from storage.repositories.alerts import StaffTelegramLinks, latest_deliveries
from storage.repositories.staff import StaffAccount

RECENT = timedelta(days=1)  # a destination silent this long says nothing about itself


@dataclass(frozen=True)
class Failing:
    channel: str
    stations: tuple[str, ...]
    error: str
    since: datetime


async def failing(
    session: AsyncSession, kb: KnowledgeBase, settings: Settings, now: datetime
) -> list[Failing]:
    """Destinations whose latest alert (in the last day) is not delivered and has an error."""
    found = []
    chats = staff_chats(kb, settings)
    for delivery in await latest_deliveries(session, list(CHANNELS), now - RECENT):
        if delivery.delivered or not delivery.error:
            continue
        if delivery.channel == WECOM:
            stations: tuple[str, ...] = (delivery.chat_id,)
        else:  # a staff chat's stations are the ones configured with it
            stations = tuple(chats.get(delivery.chat_id, ()))
        found.append(Failing(delivery.channel, stations, delivery.error, delivery.at))
    return found


async def overview(
    session: AsyncSession, desk: Desk, staff: StaffAccount, lang: str, now: datetime
) -> dict[str, object]:
    """For the console: when this member linked their Telegram, and the failing alert
    destinations of the stations they see (a banner)."""
    linked = await StaffTelegramLinks(session).linked_at(staff.id)
    shown = []
    for bad in await failing(session, desk.kb, desk.settings, now):
        stations = [s for s in bad.stations if sees(desk.kb, staff, s)]
        if stations:
            shown.append(
                {
                    "channel": bad.channel,
                    "stations": [desk.station_name(lang, s) for s in stations],
                    "error": bad.error,
                    "since": bad.since.isoformat(timespec="seconds"),
                }
            )
    return {
        "telegram_linked": linked.isoformat(timespec="seconds") if linked else None,
        "telegram": bool(desk.settings.telegram_token.get_secret_value()),
        "failing": shown,
    }
