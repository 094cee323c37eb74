"""What ticket work needs besides a database session: the stations, the settings, the working
hours and the wording. Built once per request or turn from what the server holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.calendar.hours import COUNTY_TIME, WorkingHours
from bot.config import Settings
from bot.messages import Catalogue, catalogue
from policies.loader import KnowledgeBase


@lru_cache(maxsize=8)
def working_hours(text: str) -> WorkingHours:
    return WorkingHours.parse(text)


@dataclass(frozen=True)
class Desk:
    kb: KnowledgeBase
    settings: Settings
    messages: Catalogue

    @classmethod
    def of(cls, kb: KnowledgeBase, settings: Settings, messages: Catalogue | None = None) -> Desk:
        return cls(kb, settings, messages or catalogue())

    @property
    def hours(self) -> WorkingHours:
        return working_hours(self.settings.work_hours)

    def deadline(self, urgent: bool, now: datetime) -> datetime:
        """When a ticket opened (or moved) at `now` moves up a level if nobody claims it."""
        settings = self.settings
        allowed = settings.claim_hours_urgent if urgent else settings.claim_hours_normal
        return self.hours.add(now, allowed)

    def text(self, lang: str, key: str, **params: object) -> str:
        return self.messages.text(lang, key, **params)

    def when(self, lang: str, moment: datetime) -> str:
        """A moment as people in the county read it: '12月1日 09:00'."""
        local = moment.astimezone(COUNTY_TIME)
        return self.text(
            lang, "handoff.when", month=local.month, day=local.day, time=f"{local:%H:%M}"
        )

    def station_name(self, lang: str, station_id: str) -> str:
        station = self.kb.station(station_id)
        if station is None:
            return station_id
        return station.name_en if lang == "en" and station.name_en else station.name


def ticket_number(ticket_id: int) -> str:
    """How a ticket is named to users and staff: T-000123."""
    return f"T-{ticket_id:06d}"
