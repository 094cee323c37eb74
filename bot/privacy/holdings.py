"""Where the database holds a person's data, table by table: what export reads and erasure
clears.

A row belongs to a person through a link column (`user_id`, `conversation_id`, `request_id`,
`ticket_id`, `booking_id`), or through the conversation key it is addressed to (`channel`,
`chat_id`, `external_user_id`: the outbox). Every table of the schema is either such a holding
or named in `NOT_PERSONAL` with why; tests/bot/privacy/test_holdings.py fails on a table that
is neither, so a new table cannot hold personal data unnoticed.

Erasure keeps the rows the bureau's figures count, and clears what names or describes the
person: on a kept row every text, JSON and date column not in `KEEP` (the kind, the station, the
state, the channel…) is emptied (NULL, "", {} or []); integers, flags and timestamps stay, so
counts by type, station and day are what they were. `DELETE` tables lose the person's rows
outright: they are not counted anywhere (identities, dedupe keys, link codes, the outbox).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, Column, Date, String, Table, Text

from storage.models import Base

# How rows point at the person, strongest first.
LINKS = ("user_id", "conversation_id", "request_id", "ticket_id", "booking_id")
KEY_COLUMNS = ("channel", "chat_id", "external_user_id")

# What a kept row still says after erasure: nothing of these names or describes a person.
KEEP: dict[str, frozenset[str]] = {
    "users": frozenset(),
    "conversations": frozenset({"channel", "language", "station_id"}),
    "messages": frozenset({"direction", "outcome", "entry_id"}),
    "requests": frozenset({"number", "type_id", "station_id", "state", "language", "channel"}),
    "request_events": frozenset({"state", "actor"}),
    "bookings": frozenset({"number", "service", "state", "language", "channel"}),
    "tickets": frozenset({"station_id", "category", "reason", "status"}),
    # Whom a family member filed for: what they are to each other stays, who they are goes.
    "filed_for": frozenset({"relationship", "kin"}),
    "feedback": frozenset({"entry_id", "kb_version", "station_id", "channel", "language"}),
    "unanswered": frozenset(
        {"kind", "language", "candidates", "entry_id", "station_id", "kb_version", "mark"}
    ),
}
# Rows of the person removed: nothing counts them, and what they hold is theirs.
DELETE = frozenset({"identities", "dedupe_keys", "link_codes", "link_attempts", "outbox"})
# Tables that hold nothing of a veteran, and why.
NOT_PERSONAL: dict[str, str] = {
    "booking_slots": "places per station and day",
    "counters": "numbering sequences",
    "staff": "staff accounts, not veterans",
    "staff_sessions": "staff logins",
    "audit_log": "append-only; personal values in it are masked when written",
    "webhook_nonces": "platform request nonces and body hashes",
    "rate_counts": "keyed hashes only; the person's are deleted by erasure all the same",
    "erasure_requests": "who asked to erase whom (a user id) and why",
    "key_rotations": "progress of a data key rotation",
    "alert_marks": "which staff alerts went out, by ticket number",
    "staff_telegram": "staff members' Telegram accounts",
    "staff_telegram_codes": "staff members' link codes (hashed)",
}
# Kept rows whose key columns must stay unique: they get `erased:<id>` instead of "".
_UNIQUE_KEYS = {"conversations": ("chat_id", "external_user_id")}


@dataclass(frozen=True)
class Holding:
    table: Table
    links: tuple[str, ...]  # link columns present, in LINKS order
    keyed: bool  # addressed by a conversation key (channel, chat_id, external_user_id)
    delete: bool

    @property
    def name(self) -> str:
        return self.table.name

    def cleared(self) -> list[Column[object]]:
        """The columns erasure empties on a kept row."""
        if self.delete:
            return []
        keep = KEEP.get(self.name, frozenset())
        return [
            column
            for column in self.table.columns
            if column.name not in keep
            and not column.primary_key
            and not column.foreign_keys
            and column.name not in LINKS
            and isinstance(column.type, String | Text | JSON | Date)
        ]

    def emptied(self, column: Column[object], row_id: object) -> object:
        """What `column` holds once cleared."""
        if column.name in _UNIQUE_KEYS.get(self.name, ()):
            return f"erased:{row_id}"
        if isinstance(column.type, JSON):
            default = getattr(column.default, "arg", None)
            made = default(None) if callable(default) else default
            return [] if isinstance(made, list) else {} if not column.nullable else None
        if column.nullable:
            return None
        return ""


def holdings() -> list[Holding]:
    """Every table that holds a person's data, in an order erasure may clear them (rows that
    point at others first)."""
    found: list[Holding] = []
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_PERSONAL:
            continue
        names = set(table.columns.keys())
        links = tuple(link for link in LINKS if link in names)
        keyed = all(column in names for column in KEY_COLUMNS)
        if table.name == "users" or links or keyed:
            found.append(Holding(table, links, keyed, table.name in DELETE))
    return list(reversed(found))


def unclassified() -> list[str]:
    """Tables that are neither a holding nor named as not personal: a gap to close."""
    held = {holding.name for holding in holdings()}
    return sorted(
        table.name
        for table in Base.metadata.sorted_tables
        if table.name not in held and table.name not in NOT_PERSONAL
    )


def unreviewed() -> list[str]:
    """Holdings whose kept columns nobody decided (neither in KEEP nor DELETE): erasure clears
    every text in them, which is safe, but a report counting one of those texts would change."""
    return sorted(h.name for h in holdings() if h.name not in KEEP and h.name not in DELETE)
