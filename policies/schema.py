"""The shape of the YAML admins edit: knowledge-base entries, stations and request types."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Level = Literal["county", "town", "village"]
FieldType = Literal["text", "phone", "id_number", "date", "choice", "station"]
DateRange = Literal["any", "past", "future"]
# Half-days: the stations' opening hours are not on record, so the bot books no clock times.
DEFAULT_SLOTS = ("上午", "下午")

ENTRY_ID = r"^[a-z][a-z_]*\.[a-z][a-z0-9_]*$"
# A WeCom group robot's webhook (企业微信群机器人), as the group's robot settings show it.
WECOM_WEBHOOK = r"^https://qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?key=[A-Za-z0-9_-]{8,64}$"
TELEGRAM_CHAT = r"^-?[0-9]{1,20}$"  # a group's chat id is negative, e.g. -1001234567890
SLUG = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    """Unknown fields are errors: a misspelt key must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


NonEmpty = Field(min_length=1)


class English(Strict):
    title: str = NonEmpty
    answer: str = NonEmpty


class Entry(Strict):
    """One policy topic: how people ask about it and the short answer the bot gives."""

    id: str = Field(pattern=ENTRY_ID)
    title: str = NonEmpty
    questions: list[str] = Field(min_length=1)
    keywords: list[str] = []
    answer: str = NonEmpty
    detail: str | None = None
    en: English | None = None
    source: str = NonEmpty
    reviewed: date
    valid_from: date | None = None
    valid_until: date | None = None
    actions: list[str] = []
    station_level: Level = "town"

    @field_validator("questions", "keywords")
    @classmethod
    def _no_blank_items(cls, items: list[str]) -> list[str]:
        cleaned = [str(item).strip() for item in items]
        if any(not item for item in cleaned):
            raise ValueError("items must not be empty")
        return cleaned

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]

    def is_valid_on(self, day: date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


class KBFile(Strict):
    category: str = Field(pattern=SLUG)
    entries: list[Entry] = Field(min_length=1)


class Text(Strict):
    """A piece of wording in both languages."""

    zh: str = NonEmpty
    en: str = NonEmpty


class Station(Strict):
    """A service centre or station. Unknown address, phone or hours stay empty for an admin.

    `on_record: false` is a township known from the county's administrative divisions whose
    station is not in the directory yet: users can name it as their town, and its requests,
    tickets and bookings go to the station above it until an admin records the station.
    """

    id: str = Field(pattern=SLUG)
    name: str = NonEmpty
    name_en: str = ""
    level: Level
    parent: str | None = None
    on_record: bool = True
    aliases: list[str] = []
    address: str = ""
    phone: str = ""
    hours: str = ""
    services: list[str] = []
    booking_capacity: int = Field(0, ge=0, le=1000)  # visitors per slot; 0 takes no bookings
    slots: list[str] = Field(default_factory=lambda: list(DEFAULT_SLOTS), min_length=1)
    # Where the station's staff hear of waiting veterans (`bot/staff/alerts/`); empty: nowhere.
    wecom_webhook: str = ""
    telegram_chat: str = ""

    @field_validator("slots", "services")
    @classmethod
    def _no_blank_names(cls, items: list[str]) -> list[str]:
        cleaned = [str(item).strip() for item in items]
        if any(not item or len(item) > 32 for item in cleaned):
            raise ValueError("items must be 1-32 characters")
        return cleaned

    @field_validator("wecom_webhook")
    @classmethod
    def _wecom_webhook(cls, url: str) -> str:
        if url and not re.match(WECOM_WEBHOOK, url):
            raise ValueError(
                "a WeCom robot webhook is https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…; "
                "copy it from the group's robot settings (群机器人 → webhook 地址), or leave it empty"
            )
        return url

    @field_validator("telegram_chat")
    @classmethod
    def _telegram_chat(cls, chat: str) -> str:
        if chat and not re.match(TELEGRAM_CHAT, chat):
            raise ValueError(
                "a Telegram chat id is a number, negative for a group (e.g. -1001234567890), "
                "or leave it empty"
            )
        return chat

    @property
    def takes_bookings(self) -> bool:
        return self.on_record and self.booking_capacity > 0 and bool(self.services)


class StationsFile(Strict):
    stations: list[Station] = Field(min_length=1)


class FormField(Strict):
    """One question of a request form. `label` names the answer in the summary."""

    name: str = Field(pattern=SLUG)
    type: FieldType
    label: Text | None = None
    prompt: Text
    required: bool = True
    choices: list[Text] = []
    date_range: DateRange = "any"  # date fields: must the day be in the past or the future?

    @property
    def personal(self) -> bool:
        """Whether the answer is about a person (asked only after the privacy consent)."""
        return self.type in ("text", "phone", "id_number", "date")


class RequestType(Strict):
    """A request a user can file: a form of fields, handled at a station level."""

    id: str = Field(pattern=SLUG)
    title: Text
    description: Text | None = None
    station_level: Level = "town"
    needs_staff: bool = False
    urgent: bool = False
    fields: list[FormField] = []


class RequestsFile(Strict):
    request_types: list[RequestType] = Field(min_length=1)


class Topic(Strict):
    """A topic the knowledge base must cover (`topics.yaml`, from shared/kb-topics.yaml)."""

    id: str
    zh: str
    covers: str = ""
    from_report: list[str] = []


class TopicsFile(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    categories: dict[str, Text]
    topics: list[Topic]
    intents: dict[str, dict[str, str]] = {}
