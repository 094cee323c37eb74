"""Every reviewed edit is audited, on SQLite and PostgreSQL: who wrote it, and who was refused
and why; the CLI's `vetbot policies add-phrasing` does the same as the console, as the CLI user."""

from __future__ import annotations

import asyncio
import getpass
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policies.editing import Applied, Editor, Refused, Who
from policies.editing_audit import apply, confirm
from storage import migrate
from storage.database import Database
from storage.repositories.audit import AuditLog
from tests.paths import FIXTURE_KB

VETBOT = Path(sys.executable).with_name("vetbot")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(FIXTURE_KB, copy)
    return copy


class Store:
    """What the server's knowledge store offers the edit path: a reload, counted."""

    def __init__(self) -> None:
        self.reloads = 0

    async def reload(self) -> bool:
        self.reloads += 1
        return True


async def test_writes_and_refusals_are_audited(root: Path, database: Database) -> None:
    editor = Editor(root, held_out=[])
    store = Store()
    who = Who("wang", 7, via="web")
    proposal = editor.propose_phrasings("preferential.card", ["优待证到哪去办呀"])
    written = await confirm(
        editor, who, database, "phrasings", proposal.params, proposal.base_digest, store
    )
    assert isinstance(written, Applied) and store.reloads == 1
    stale = await confirm(
        editor, who, database, "phrasings", proposal.params, proposal.base_digest, store
    )
    assert isinstance(stale, Refused) and stale.reason == "changed" and store.reloads == 1
    phone = editor.propose_station_contact("wukou", phone="0730-6123456")
    assert isinstance(await apply(editor, who, database, phone), Applied)

    async with database.transaction() as session:
        rows = list(reversed(await AuditLog(session).recent(None)))
    assert [(r.action, r.staff_id, r.username, r.subject) for r in rows] == [
        ("kb.edit", 7, "wang", "preferential.card"),
        ("kb.edit_refused", 7, "wang", "preferential.card"),
        ("kb.edit", 7, "wang", "wukou"),
    ]
    assert rows[0].detail["added"] == ["优待证到哪去办呀"]
    assert rows[0].detail["file"] == "kb/preferential.yaml"
    assert rows[1].detail["reason"] == "changed"
    assert rows[2].station_id == "wukou" and rows[2].detail["fields"] == ["phone"]
    assert "0730-6123456" not in str(rows[2].detail)  # the audit names fields, not values


def test_the_cli_shows_the_diff_applies_and_audits_as_the_cli_user(
    root: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "VETBOT_DATABASE_URL": url, "VETBOT_POLICIES_DIR": str(root)}
    path = root / "kb" / "preferential.yaml"
    before = path.read_text(encoding="utf-8")

    refused = subprocess.run(
        [str(VETBOT), "policies", "add-phrasing", "preferential.card", "优待证挂失", "--yes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode == 1
    assert "+      - 优待证挂失" in refused.stdout
    assert "is claimed by 'preferential.card_loss'" in refused.stderr
    assert path.read_text(encoding="utf-8") == before

    declined = subprocess.run(
        [str(VETBOT), "policies", "add-phrasing", "preferential.card", "优待证到哪去办呀"],
        env=env,
        input="n\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert declined.returncode == 1 and path.read_text(encoding="utf-8") == before

    done = subprocess.run(
        [str(VETBOT), "policies", "add-phrasing", "preferential.card", "优待证到哪去办呀"],
        env=env,
        input="y\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "+      - 优待证到哪去办呀" in done.stdout and "written" in done.stderr
    assert path.read_text(encoding="utf-8") == before.replace(
        "      - How do I apply for the veteran preferential card?\n",
        "      - How do I apply for the veteran preferential card?\n      - 优待证到哪去办呀\n",
    )

    async def audited() -> list[tuple[str, str]]:
        database = Database(url)
        try:
            await migrate.upgrade(database)
            async with database.transaction() as session:
                rows = await AuditLog(session).recent(None)
        finally:
            await database.dispose()
        return [(r.action, r.username) for r in reversed(rows)]

    user = f"cli:{getpass.getuser()}"
    assert asyncio.run(audited()) == [("kb.edit_refused", user), ("kb.edit", user)]
