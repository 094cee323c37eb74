"""Settings, declared once: read from `VETBOT_*` environment variables and an optional `.env`."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

import policies
from bot.calendar.hours import WorkingHours
from policies.schema import TELEGRAM_CHAT, WECOM_WEBHOOK

DEFAULT_KB_DIR = Path(policies.__file__).parent


def _positive(default: float, description: str) -> Any:
    """A setting that must be above zero (hours, minutes, seconds)."""
    return Field(default, gt=0, description=description)


def _one_or_more(default: int, description: str) -> Any:
    """A count that must be at least one (attempts, messages per window)."""
    return Field(default, ge=1, description=description)


class Settings(BaseSettings):
    """Every setting vetbot reads. Each field's description is its documentation."""

    model_config = SettingsConfigDict(
        env_prefix="VETBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        "sqlite:///vetbot.db",
        description="SQLAlchemy URL of the database; sqlite:///path and postgresql://… are accepted.",
    )
    auto_migrate: bool = Field(
        True, description="Apply database migrations when the server starts."
    )
    redis_url: str = Field(
        "",
        description="Redis URL (redis://host:6379/0) where several server processes share "
        "Telegram's send limits, the staff alerts' 20 a minute per WeCom robot and Telegram "
        "group, WeChat's access token and retries; empty: one process.",
    )
    policies_dir: Path = Field(
        DEFAULT_KB_DIR,
        description="Folder holding kb/, stations.yaml and requests.yaml (the YAML admins edit).",
    )
    watch_policies: bool = Field(
        True, description="Reload the knowledge base when its YAML files change."
    )
    host: str = Field("127.0.0.1", description="Address `vetbot serve` listens on.")
    port: int = Field(8000, description="Port `vetbot serve` listens on.")
    public_url: str = Field(
        "", description="The server's public https URL, used to register webhooks."
    )
    data_key: SecretStr = Field(
        SecretStr(""),
        description="Key that encrypts ID numbers at rest (any long random string, 16+ "
        "characters). Set it in production and keep it safe: without it stored ID numbers "
        "cannot be read. Unset, a development key is made in `data_key_file`.",
    )
    data_key_previous: SecretStr = Field(
        SecretStr(""),
        description="While a data key rotation runs: the key ID numbers were sealed with "
        "before VETBOT_DATA_KEY was changed. Values sealed under it still open; new ones are "
        "sealed under VETBOT_DATA_KEY. Remove it once `vetbot privacy rotate-key` has finished.",
    )
    retention_years: float = _positive(
        3.0,
        "Years conversations and resolved tickets are kept; a daily job then "
        "anonymises them (the counts for reports stay). `vetbot privacy retention --dry-run` "
        "shows what it would remove.",
    )
    data_key_file: Path = Field(
        Path("var/data.key"),
        description="Where the development data key is made and kept when VETBOT_DATA_KEY is "
        "unset (outside git; /var/ is ignored).",
    )
    number_prefix: str = Field(
        "PJ",
        pattern=r"^[A-Z]{1,4}$",
        description="Prefix of tracking numbers (PJ-2026-000123) and booking numbers "
        "(PJY-2026-000045).",
    )
    reminder_hour: int = Field(
        9,
        ge=7,
        le=20,
        description="Hour (county time) of the day before a booked visit when its reminder "
        "is sent.",
    )
    crisis_contact: str = Field(
        "",
        description="A local crisis line shown to users in distress (self-harm), as the bureau "
        "wants it worded, after 110/120 and the national psychological assistance hotline 12356 "
        "that is always shown, at any hour. Empty: only the national hotline.",
    )
    work_hours: str = Field(
        "09:00-17:00",
        description="The bureau's working hours on working days, for the staff queues: when "
        "staff answer and how claim deadlines are counted (HH:MM-HH:MM; several separated by "
        "commas, e.g. 08:30-12:00,14:30-17:30). The bureau sets this; weekends and Chinese "
        "public holidays are off, make-up working days on. Station opening hours are not assumed.",
    )
    claim_hours_urgent: float = _positive(
        1.0, "Working hours an urgent ticket may wait unclaimed before it moves up a level."
    )
    claim_hours_normal: float = _positive(
        8.0,
        "Working hours any other ticket may wait unclaimed before it moves up a level "
        "(village → town → county).",
    )
    staff_session_hours: float = _positive(
        12.0, "How long a staff console login lasts without logging in again."
    )
    staff_max_failures: int = _one_or_more(
        5,
        "Wrong passwords in a row at one login name from one address before that "
        "address is locked out of that name (an unknown name locks alike).",
    )
    staff_max_failures_per_address: int = _one_or_more(
        20,
        "Wrong staff passwords from one address, whatever the names, before every "
        "login from there waits for the lockout window to end.",
    )
    staff_lockout_minutes: float = _positive(
        15.0, "The window the staff login counts attempts in (a lockout ends with it)."
    )
    api_key: SecretStr = Field(
        SecretStr(""),
        description="Key for integrations and load tests (16+ characters). A request to "
        "POST /api/chat with `Authorization: Bearer <key>` may name any `user_id` in its body; "
        "without it the web chat's signed cookie decides who is talking. Unset: no key works.",
    )
    limit_chat: int = _one_or_more(
        30,
        "Messages one identity may send per minute; more get a polite "
        "“please slow down” (HTTP 429 on the JSON API).",
    )
    limit_chat_per_address: int = _one_or_more(
        200,
        "Messages per minute from one network address (web chat), "
        "whatever identities it uses. Requests with the API key count per named user only.",
    )
    limit_link: int = _one_or_more(
        10, "Account-link codes one identity may ask for or type per hour."
    )
    limit_link_per_address: int = _one_or_more(
        20, "Account-link codes asked for or typed per hour from one address."
    )
    limit_tickets: int = _one_or_more(
        3,
        "New tickets for staff one identity may open per hour (someone in "
        "distress past it still gets the emergency numbers).",
    )
    limit_tickets_per_address: int = _one_or_more(
        5, "New tickets for staff per hour from one address."
    )
    limit_bookings: int = _one_or_more(4, "Bookings one identity may make per day.")
    limit_bookings_per_address: int = _one_or_more(10, "Bookings per day from one address.")
    max_open_bookings: int = _one_or_more(
        2,
        "Visits one user may have booked and not yet made; to book "
        "another, they cancel or make one first.",
    )
    log_level: str = Field("INFO", description="Logging level: DEBUG, INFO, WARNING or ERROR.")
    telegram_token: SecretStr = Field(
        SecretStr(""), description="Telegram bot token from @BotFather."
    )
    telegram_webhook_url: str = Field(
        "",
        description="Public URL of /webhooks/telegram; webhook mode when set, long polling otherwise.",
    )
    telegram_webhook_secret: SecretStr = Field(
        SecretStr(""), description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token."
    )
    telegram_api_base: str = Field(
        "https://api.telegram.org",
        description="Bot API server (Telegram's own, a self-hosted one, or a test fake).",
    )
    wechat_token: SecretStr = Field(
        SecretStr(""), description="Token set in the Official Account's server configuration."
    )
    wechat_app_id: str = Field("", description="The Official Account's AppID.")
    wechat_app_secret: SecretStr = Field(
        SecretStr(""), description="The Official Account's AppSecret."
    )
    wechat_aes_key: SecretStr = Field(
        SecretStr(""), description="EncodingAESKey (43 characters); safe mode when set."
    )
    wechat_api_base: str = Field(
        "https://api.weixin.qq.com", description="WeChat API server (a test fake in tests)."
    )
    alert_wecom_webhooks: dict[str, SecretStr] = Field(
        {},
        description="Staff alerts: WeCom group robot webhooks by station id, as JSON, e.g. "
        '{"tongshi": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}; outside git, '
        "they win over `wecom_webhook` in stations.yaml. Unset: stations.yaml alone.",
    )
    alert_telegram_chats: dict[str, str] = Field(
        {},
        description="Staff alerts: Telegram staff group chat ids by station id, as JSON, e.g. "
        '{"county": "-1001234567890"}; they win over `telegram_chat` in stations.yaml. Needs '
        "VETBOT_TELEGRAM_TOKEN, and the bot added to the group.",
    )
    wecom_api_base: str = Field(
        "https://qyapi.weixin.qq.com",
        description="Where WeCom robot webhooks are posted (WeCom's server, or a test fake).",
    )

    @field_validator("alert_wecom_webhooks")
    @classmethod
    def _wecom_webhooks(cls, hooks: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for station, url in hooks.items():
            if not re.match(WECOM_WEBHOOK, url.get_secret_value()):
                raise ValueError(
                    f"VETBOT_ALERT_WECOM_WEBHOOKS[{station!r}] is not a WeCom robot webhook: "
                    "copy https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… from the "
                    "group's robot settings"
                )
        return hooks

    @field_validator("alert_telegram_chats")
    @classmethod
    def _telegram_chats(cls, chats: dict[str, str]) -> dict[str, str]:
        for station, chat in chats.items():
            if not re.match(TELEGRAM_CHAT, chat):
                raise ValueError(
                    f"VETBOT_ALERT_TELEGRAM_CHATS[{station!r}] = {chat!r} is not a chat id: a "
                    "number, negative for a group (e.g. -1001234567890)"
                )
        return chats

    @field_validator("work_hours")
    @classmethod
    def _working_hours(cls, text: str) -> str:
        # A typo in the bureau's hours must stop the server at start, not fail a handoff later.
        return WorkingHours.parse(text).describe()

    @field_validator("api_key")
    @classmethod
    def _long_api_key(cls, key: SecretStr) -> SecretStr:
        # Anyone holding the key may act as any web user: a short one could be guessed.
        if 0 < len(key.get_secret_value()) < 16:
            raise ValueError("VETBOT_API_KEY must be at least 16 characters of random text")
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
