"""Reviewed edits with their audit record: every write, and every refused attempt, is logged
with who made it; a written edit is then served at once (the store reloads) rather than when
the file watcher notices, or at the next restart where it is off."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from bot.privacy.masking import mask
from policies.editing import Applied, Editor, Proposal, Refused, Who
from storage.database import Database
from storage.repositories.audit import AuditLog

EDITED = "kb.edit"
REFUSED = "kb.edit_refused"


class Reloading(Protocol):
    async def reload(self) -> bool: ...


async def confirm(
    editor: Editor,
    who: Who,
    database: Database,
    kind: str,
    params: dict[str, Any],
    base_digest: str,
    store: Reloading | None = None,
) -> Applied | Refused:
    """Apply what the admin was shown (see `Editor.apply_params`), audited."""
    result = await asyncio.to_thread(editor.apply_params, kind, params, base_digest)
    return await _recorded(result, who, database, kind, params, store)


async def apply(
    editor: Editor,
    who: Who,
    database: Database,
    proposal: Proposal,
    store: Reloading | None = None,
) -> Applied | Refused:
    """Apply `proposal` (the CLI: the diff was shown in this process), audited."""
    result = await asyncio.to_thread(editor.apply, proposal)
    return await _recorded(result, who, database, proposal.kind, proposal.params, store)


async def _recorded(
    result: Applied | Refused,
    who: Who,
    database: Database,
    kind: str,
    params: dict[str, Any],
    store: Reloading | None,
) -> Applied | Refused:
    subject = str(params.get("entry_id") or params.get("station_id") or params.get("id") or "")
    detail: dict[str, Any] = {"kind": kind, "via": who.via, **who.extra}
    if isinstance(result, Applied):
        detail |= {
            "file": result.proposal.file,
            "digest": result.digest[:16],
            "fingerprint": result.fingerprint,
        }
        if result.proposal.added:
            detail["added"] = [mask(q) for q in result.proposal.added]
        if kind == "station":
            detail["fields"] = sorted(k for k in params if k != "station_id")
    else:
        detail |= {"reason": result.reason, "reasons": [mask(r) for r in result.reasons][:5]}
    async with database.transaction() as session:
        await AuditLog(session).add(
            EDITED if isinstance(result, Applied) else REFUSED,
            staff_id=who.staff_id,
            username=who.username,
            station_id=subject if kind == "station" else None,
            subject=subject or None,
            detail=detail,
        )
    if isinstance(result, Applied) and store is not None:
        await store.reload()
    return result
