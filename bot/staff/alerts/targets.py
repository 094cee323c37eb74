"""Where a station's alerts go: its WeCom group robot and its Telegram staff chat, each from
the settings (outside git) or else from stations.yaml; either may be absent."""

from __future__ import annotations

from typing import Final

from bot.config import Settings
from bot.conversation.types import ConversationKey
from policies.loader import KnowledgeBase

WECOM: Final = "wecom"  # outbox channel of WeCom robots; chat id: the station id
STAFF_TELEGRAM: Final = "telegram_staff"  # outbox channel of Telegram staff chats; chat id: its id
CHANNELS: Final = (WECOM, STAFF_TELEGRAM)
# The outbox names a conversation by (channel, chat, user); an alert has no user but the group.
GROUP: Final = "group"


def wecom_webhook(kb: KnowledgeBase, settings: Settings, station_id: str) -> str:
    """The station's robot webhook (with its key: never log it), or "" for none."""
    configured = settings.alert_wecom_webhooks.get(station_id)
    if configured is not None:
        return configured.get_secret_value()
    station = kb.station(station_id)
    return station.wecom_webhook if station is not None else ""


def telegram_chat(kb: KnowledgeBase, settings: Settings, station_id: str) -> str:
    """The station's Telegram staff chat id, or "" for none (or no Telegram bot)."""
    if not settings.telegram_token.get_secret_value():
        return ""
    configured = settings.alert_telegram_chats.get(station_id)
    if configured is not None:
        return configured
    station = kb.station(station_id)
    return station.telegram_chat if station is not None else ""


def destinations(kb: KnowledgeBase, settings: Settings, station_id: str) -> list[ConversationKey]:
    """The outbox keys of the station's alerts; empty when it has neither."""
    found = []
    if wecom_webhook(kb, settings, station_id):
        # The robot is looked up again when sending: its key stays out of the database.
        found.append(ConversationKey(WECOM, station_id, GROUP))
    if chat := telegram_chat(kb, settings, station_id):
        found.append(ConversationKey(STAFF_TELEGRAM, chat, GROUP))
    return found


def staff_chats(kb: KnowledgeBase, settings: Settings) -> dict[str, list[str]]:
    """Every Telegram staff chat id with the stations it serves."""
    chats: dict[str, list[str]] = {}
    for station in kb.stations:
        if chat := telegram_chat(kb, settings, station.id):
            chats.setdefault(chat, []).append(station.id)
    return chats


def alerted_stations(kb: KnowledgeBase, settings: Settings) -> list[str]:
    """Stations with somewhere to send alerts, in directory order."""
    return [s.id for s in kb.stations if destinations(kb, settings, s.id)]
