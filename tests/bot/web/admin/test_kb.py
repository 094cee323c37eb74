"""The knowledge-base page over real HTTP: who reaches it (admin edits, a station head reads
their stations' figures, plain staff get 404), reviewed edits proposed and applied, every
write and every refusal audited, the change served by the chat at once (no restart)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import httpx

from bot.config import Settings
from bot.web.admin.kb import _superseded, stale
from policies.loader import load
from storage.database import Database
from storage.models.feedback import AnswerFeedback
from storage.repositories.audit import AuditLog
from tests.bot.web.consoles import Clock, Member, add_staff, console_server
from tests.bot.web.servers import signed_cookie

QUESTIONS = ["当兵回来的那个卡去哪申请", "当兵回来那个卡去哪里申请"]
# An apply runs the checks and the held-out evaluation: seconds on a loaded two-core machine.
CHECKS = httpx.Timeout(300)


async def _admin(url: str) -> Member:
    member = await Member.login(url, "admin")
    member.client.timeout = CHECKS
    return member


async def _chat(client: httpx.AsyncClient, user: str, n: int, text: str) -> list[str]:
    response = await client.post(
        "/api/chat", json={"user_id": user, "message_id": f"{user}-{n}", "text": text}
    )
    assert response.status_code == 200, response.text
    return [str(reply["text"]) for reply in response.json()["replies"]]


async def _audit(database: Database) -> list[tuple[str, str, str | None]]:
    async with database.transaction() as session:
        rows = await AuditLog(session).recent(None)
    return [(r.action, r.username, r.subject) for r in reversed(rows) if r.action.startswith("kb.")]


async def test_admins_edit_station_heads_read_their_figures_plain_staff_get_404(
    settings: Settings,
) -> None:
    clock = Clock()
    async with console_server(settings, clock) as (url, database):
        await add_staff(database, "admin", "county", "admin")
        await add_staff(database, "head", "tongshi", "station_head")
        await add_staff(database, "li", "wukou")
        async with database.transaction() as session:
            for station, helpful in (("tongshi", True), ("tongshi", False), ("wukou", True)):
                session.add(
                    AnswerFeedback(
                        entry_id="preferential.card",
                        question="优待证怎么办理",
                        station_id=station,
                        helpful=helpful,
                        created_at=clock.now - timedelta(days=2),
                    )
                )
            session.add(  # older than 30 days: not counted
                AnswerFeedback(
                    entry_id="preferential.card",
                    station_id="tongshi",
                    helpful=True,
                    created_at=clock.now - timedelta(days=40),
                )
            )
        admin = await _admin(url)
        head, li = [await Member.login(url, name) for name in ("head", "li")]
        try:
            assert (await admin.get("/staff/admin/kb")).status_code == 200
            seen = (await admin.get("/api/staff/admin/kb")).json()
            assert seen["editable"] is True
            card = next(e for e in seen["entries"] if e["id"] == "preferential.card")
            assert (card["served"], card["helpful"], card["not_helpful"]) == (3, 2, 1)
            assert card["questions"] == 9 and card["category"] == "优抚优待"
            assert "reviewed" in card["stale"]  # reviewed 2024-06-01, over a year before now
            assert {s["id"] for s in seen["stations"]} == {
                "county",
                "tongshi",
                "wukou",
                "tongshi_village",
            }

            page = await head.get("/staff/admin/kb")
            assert page.status_code == 200 and "admin-kb.js" in page.text
            mine = (await head.get("/api/staff/admin/kb")).json()
            assert mine["editable"] is False
            card = next(e for e in mine["entries"] if e["id"] == "preferential.card")
            assert (card["served"], card["helpful"], card["not_helpful"]) == (2, 1, 1)
            assert {s["id"] for s in mine["stations"]} == {"tongshi", "tongshi_village"}
            body = {
                "kind": "phrasings",
                "params": {"entry_id": "preferential.card", "questions": QUESTIONS},
            }
            assert (await head.post("/api/staff/admin/kb/propose", body)).status_code == 404

            assert (await li.get("/staff/admin/kb")).status_code == 404
            assert (await li.get("/api/staff/admin/kb")).status_code == 404
            assert (await li.post("/api/staff/admin/kb/propose", body)).status_code == 404
            assert (
                await li.post("/api/staff/admin/kb/ask", {"question": "优待证"})
            ).status_code == 404
            me = (await li.get("/api/staff/me")).json()
            assert me["kb"] is False and (await admin.get("/api/staff/me")).json()["kb"] is True
            async with httpx.AsyncClient(base_url=url) as anonymous:
                assert (await anonymous.get("/api/staff/admin/kb")).status_code == 401
            # Without the CSRF token nothing is proposed, even by an admin.
            bare = await admin.client.post("/api/staff/admin/kb/propose", json=body)
            assert bare.status_code == 403
            found = (await admin.get("/api/staff/admin/kb?q=丢了")).json()["entries"]
            assert [e["id"] for e in found] == ["preferential.card_loss"]
        finally:
            for member in (admin, head, li):
                await member.close()


async def test_a_reviewed_edit_is_audited_and_answered_at_once(settings: Settings) -> None:
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "admin", "county", "admin")
        admin = await _admin(url)
        async with httpx.AsyncClient(
            base_url=url, cookies=signed_cookie(settings, "vet"), timeout=CHECKS
        ) as vet:
            try:
                [before] = await _chat(vet, "vet", 1, QUESTIONS[0])
                assert "测试答案：到乡镇服务站申请优待证" not in before
                body = {
                    "kind": "phrasings",
                    "params": {"entry_id": "preferential.card", "questions": QUESTIONS},
                }
                proposed = await admin.post("/api/staff/admin/kb/propose", body)
                assert proposed.status_code == 200, proposed.text
                shown = proposed.json()
                assert shown["file"] == "kb/preferential.yaml"
                assert f"+      - {QUESTIONS[0]}\n" in shown["diff"]
                confirm = {**body, "params": shown["params"], "base_digest": shown["base_digest"]}
                applied = await admin.post("/api/staff/admin/kb/apply", confirm)
                assert applied.status_code == 200, applied.text
                assert applied.json()["applied"]["evaluation"]["ran"] is True
                [after] = await _chat(vet, "vet", 2, QUESTIONS[1])
                assert after.startswith("退役军人优待证申领\n测试答案：到乡镇服务站申请优待证。")

                # The same confirm again: the file is no longer the one the diff was made from.
                again = await admin.post("/api/staff/admin/kb/apply", confirm)
                assert again.status_code == 409 and again.json()["refused"]["reason"] == "changed"

                breaking = {
                    "kind": "phrasings",
                    "params": {"entry_id": "preferential.card", "questions": ["优待证挂失"]},
                }
                shown = (await admin.post("/api/staff/admin/kb/propose", breaking)).json()
                refused = await admin.post(
                    "/api/staff/admin/kb/apply", {**breaking, "base_digest": shown["base_digest"]}
                )
                assert refused.status_code == 422
                assert (
                    "claimed by 'preferential.card_loss'"
                    in refused.json()["refused"]["problems"][0]
                )
                assert await _audit(database) == [
                    ("kb.edit", "admin", "preferential.card"),
                    ("kb.edit_refused", "admin", "preferential.card"),
                    ("kb.edit_refused", "admin", "preferential.card"),
                ]
            finally:
                await admin.close()


async def test_a_station_phone_filled_in_shows_in_the_next_answer_naming_it(
    settings: Settings, policies: Path
) -> None:
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "admin", "county", "admin")
        admin = await _admin(url)
        try:
            async with httpx.AsyncClient(
                base_url=url, cookies=signed_cookie(settings, "a"), timeout=CHECKS
            ) as a:
                said = "\n".join(await _chat(a, "a", 1, "我要找工作人员"))
                assert "测试县退役军人服务中心" in said and "地址和电话暂未登记" in said
            body = {"kind": "station", "params": {"station_id": "county", "phone": "0730-6999999"}}
            shown = (await admin.post("/api/staff/admin/kb/propose", body)).json()
            assert "+    phone: 0730-6999999\n" in shown["diff"]
            applied = await admin.post(
                "/api/staff/admin/kb/apply", {**body, "base_digest": shown["base_digest"]}
            )
            assert applied.status_code == 200, applied.text
            assert "phone: 0730-6999999" in (policies / "stations.yaml").read_text(encoding="utf-8")
            async with httpx.AsyncClient(
                base_url=url, cookies=signed_cookie(settings, "b"), timeout=CHECKS
            ) as b:
                said = "\n".join(await _chat(b, "b", 1, "我要找工作人员"))
                assert "电话：0730-6999999" in said and "地址和电话暂未登记" not in said
            async with database.transaction() as session:
                [row] = [r for r in await AuditLog(session).recent(None) if r.action == "kb.edit"]
            assert (row.username, row.station_id, row.detail["fields"]) == (
                "admin",
                "county",
                ["phone"],
            )
        finally:
            await admin.close()


async def test_what_would_the_bot_answer_shows_the_reply_and_why(settings: Settings) -> None:
    async with console_server(settings, Clock()) as (url, database):
        await add_staff(database, "admin", "county", "admin")
        admin = await _admin(url)
        try:
            response = await admin.post("/api/staff/admin/kb/ask", {"question": "优待证怎么办理"})
            assert response.status_code == 200, response.text
            data = response.json()
            assert data["replies"][0].startswith("退役军人优待证申领\n测试答案")
            assert "  1. " in data["replies"][0]  # numbered options, as a veteran sees them
            assert data["explain"]["decision"] == "answer"
            assert data["explain"]["entry"] == "preferential.card"
            assert data["explain"]["matches"][0]["name"] == "preferential.card"
        finally:
            await admin.close()


def test_stale_entries_are_flagged_with_why(policies: Path) -> None:
    path = policies / "kb" / "preferential.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("source: 测试来源乙", "source: 《测试条例》（2019年版）第三条", 1)
    text = text.replace("source: 测试来源丙", "source: 《测试条例》（2024年修订）第三条", 1)
    path.write_text(text, encoding="utf-8")
    kb = load(policies)
    superseded = _superseded(kb)
    assert superseded == {"preferential.card": "《测试条例》2024"}
    card, loss = kb.entry("preferential.card"), kb.entry("preferential.card_loss")
    assert card is not None and loss is not None
    assert stale(card, date(2025, 6, 2), superseded) == ["reviewed", "superseded"]
    assert stale(loss, date(2025, 6, 1), superseded) == []
    expiring = card.model_copy(
        update={"valid_until": date(2025, 1, 1), "reviewed": date(2025, 1, 1)}
    )
    assert stale(expiring, date(2025, 6, 1), {}) == ["expired"]
