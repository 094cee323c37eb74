"""The console's privacy page over real HTTP: admins only; an export is the person's copy and
audited; an erasure one admin asks for is refused to that admin and done by a second."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import func, select

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import Knowledge, KnowledgeStore
from storage.models import AuditEntry, Identity
from tests.bot.chatting import TEST_DATA_KEY
from tests.bot.privacy.people import VETERAN, busy_veteran, figures, raw_files
from tests.bot.web.consoles import Clock, Member, add_staff, console_server
from tests.paths import FIXTURE_KB


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'console.db'}",
        policies_dir=FIXTURE_KB,
        watch_policies=False,
        data_key=SecretStr(TEST_DATA_KEY),
    )


async def test_an_erasure_needs_a_second_admin(tmp_path: Path, knowledge: Knowledge) -> None:
    settings = _settings(tmp_path)
    async with console_server(settings, Clock()) as (url, database):
        engine = Engine(database, KnowledgeStore(FIXTURE_KB, knowledge), settings)
        _, number = await busy_veteran(engine)
        before = await figures(database)
        for name, role in (("wang", "admin"), ("zhao", "admin"), ("li", "staff")):
            await add_staff(database, name, "county", role)
        wang, zhao, li = [await Member.login(url, n) for n in ("wang", "zhao", "li")]
        try:
            # Not an admin: the page and its API do not exist.
            assert (await li.get("/staff/admin/privacy")).status_code == 404
            asked = {"by": "request", "value": number, "reason": "本人来信"}
            assert (await li.post("/api/staff/admin/privacy/export", asked)).status_code == 404
            assert (await li.get("/api/staff/me")).json()["privacy"] is False

            page = await wang.get("/staff/admin/privacy")
            assert page.status_code == 200 and "admin-privacy.js" in page.text
            assert page.headers["cache-control"] == "no-store"
            assert (await wang.get("/api/staff/me")).json()["privacy"] is True

            copy = await wang.post("/api/staff/admin/privacy/export", asked)
            assert copy.status_code == 200, copy.text
            assert copy.headers["cache-control"] == "no-store"
            for value in VETERAN.values():
                assert value in copy.text, value
            assert VETERAN.name in copy.json()["page"]
            no_reason = await wang.post("/api/staff/admin/privacy/export", {**asked, "reason": " "})
            assert no_reason.status_code == 422

            ask = await wang.post("/api/staff/admin/privacy/erasures", asked)
            assert ask.status_code == 200, ask.text
            erasure = ask.json()["id"]
            listed = (await zhao.get("/api/staff/admin/privacy/erasures")).json()["erasures"]
            assert [(e["id"], e["state"], e["asked_by_name"]) for e in listed] == [
                (erasure, "pending", "wang")
            ]

            itself = await wang.post(f"/api/staff/admin/privacy/erasures/{erasure}/confirm")
            assert itself.status_code == 409 and "另一位管理员" in itself.json()["detail"]
            by_staff = await li.post(f"/api/staff/admin/privacy/erasures/{erasure}/confirm")
            assert by_staff.status_code == 404
            async with database.transaction() as session:
                assert await session.scalar(select(func.count()).select_from(Identity)) == 1

            done = await zhao.post(f"/api/staff/admin/privacy/erasures/{erasure}/confirm")
            assert done.status_code == 200, done.text
            twice = await wang.post(f"/api/staff/admin/privacy/erasures/{erasure}/confirm")
            assert twice.status_code == 409

            again = await wang.post("/api/staff/admin/privacy/export", asked)
            assert again.status_code == 200
            for value in VETERAN.values():
                assert value not in again.text, value
            assert await figures(database) == before
            raw = raw_files(database)
            for value in VETERAN.values():
                assert value.encode() not in raw, value

            async with database.transaction() as session:
                audit = list(
                    await session.scalars(
                        select(AuditEntry)
                        .where(AuditEntry.action.like("privacy_%"))
                        .order_by(AuditEntry.id)
                    )
                )
            assert [(a.action, a.username) for a in audit] == [
                ("privacy_export", "wang"),
                ("privacy_erase_asked", "wang"),
                ("privacy_erase", "zhao"),
                ("privacy_export", "wang"),
            ]
            assert audit[2].detail["asked_by"] == "wang"
            audit_page = (await wang.get("/api/staff/audit")).json()
            assert any(row["action"] == "privacy_erase" for row in audit_page)
        finally:
            for member in (wang, zhao, li):
                await member.close()
