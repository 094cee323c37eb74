"""A copy of everything held about one person (个人信息保护法 access and copy): one JSON
document, and the same as a page a person can read.

Every holding (bot/privacy/holdings.py) is read whole for the person, sealed ID numbers opened,
so a table or column added later is in the copy without a change here. Each export is audited:
who made it, when, and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Catalogue
from bot.privacy.holdings import holdings
from bot.privacy.people import Actor, Named, Person, scope
from bot.privacy.sealing import DataKey, PersonalDataUnreadable, is_sealed
from storage.models.base import utcnow
from storage.repositories.audit import AuditLog

FORMAT = "vetbot-personal-data/1"
UNREADABLE = "(unreadable: sealed under another data key)"
# Internal columns a person's copy does not need: they say nothing about the person.
_SKIPPED = frozenset({"code_hash"})


@dataclass(frozen=True)
class Export:
    person: Person
    document: dict[str, Any]

    @property
    def user_id(self) -> int | None:
        return self.person.user_id

    @property
    def label(self) -> str:
        """How files and screens name the person: the user id, else the filings for them."""
        return str(self.person.user_id) if self.person.user_id is not None else self.person.subject

    def json(self) -> str:
        return json.dumps(self.document, ensure_ascii=False, indent=2, default=str)

    def rows(self) -> int:
        return sum(len(rows) for rows in self.document["tables"].values())


async def export(
    session: AsyncSession, key: DataKey, person: Person, who: Named, actor: Actor, reason: str
) -> Export:
    """Everything held about `person`; audited as `actor`'s export for `reason`."""
    found = await scope(session, person)
    tables: dict[str, list[dict[str, Any]]] = {}
    for holding in holdings():
        statement = select(holding.table).where(found.where(holding))
        if "id" in holding.table.columns:
            statement = statement.order_by(holding.table.columns["id"])
        rows = (await session.execute(statement)).mappings()
        listed = [_row(dict(row), key) for row in rows]
        if listed:
            tables[holding.name] = listed
    now = utcnow()
    document = {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "user_id": person.user_id,
        "filed_for": list(person.filed_for),
        "asked_as": who.shown(),
        "tables": tables,
    }
    await AuditLog(session).add(
        "privacy_export",
        staff_id=actor.staff_id,
        username=actor.username,
        subject=person.subject,
        detail={"reason": reason, "named": who.shown(), "rows": sum(map(len, tables.values()))},
        at=now,
    )
    return Export(person, document)


def _row(row: dict[str, Any], key: DataKey) -> dict[str, Any]:
    return {name: _opened(value, key) for name, value in row.items() if name not in _SKIPPED}


def _opened(value: Any, key: DataKey) -> Any:
    """`value` with every sealed string in it opened."""
    if is_sealed(value):
        try:
            return key.open(value)
        except PersonalDataUnreadable:
            return UNREADABLE
    if isinstance(value, dict):
        return {k: _opened(v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_opened(v, key) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def page(result: Export, messages: Catalogue, lang: str) -> str:
    """The export as a self-contained HTML page (no scripts, no outside resources)."""
    doc = result.document

    def t(name: str, **params: object) -> str:
        return escape(messages.text(lang, f"privacy.export.{name}", **params))

    parts = [
        "<!doctype html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{t('title')}</title>",
        "<style>body{font-family:sans-serif;margin:1rem;line-height:1.5}"
        "table{border-collapse:collapse;margin-bottom:1.5rem;font-size:.9rem}"
        "td,th{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top;text-align:left}"
        "pre{white-space:pre-wrap;margin:0}</style></head><body>",
        f"<h1>{t('title')}</h1>",
        f"<p>{t('intro', at=doc['exported_at'], user=result.label)}</p>",
    ]
    if not doc["tables"]:
        parts.append(f"<p>{t('nothing')}</p>")
    for name, rows in doc["tables"].items():
        heading = messages.texts.get(lang, {}).get(f"privacy.tables.{name}", name)
        parts.append(f"<h2>{escape(heading)} ({len(rows)})</h2><table>")
        columns = list(rows[0])
        parts.append("<tr>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>")
        for row in rows:
            cells = "".join(f"<td>{_cell(row.get(c))}</td>" for c in columns)
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _cell(value: Any) -> str:
    if value is None or value == "" or value == {} or value == []:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, indent=1, default=str)
        return f"<pre>{escape(text)}</pre>"
    return escape(str(value))
