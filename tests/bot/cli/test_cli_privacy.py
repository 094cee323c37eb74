"""`vetbot privacy …` as an admin runs it: export (JSON and page, audited, a reason required),
erase (asks unless --yes; the raw file forgets), retention --dry-run, rotate-key."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from bot.privacy.sealing import DataKey, sealed_under
from storage.models import AuditEntry, ServiceRequest
from tests.bot.chatting import TEST_DATA_KEY, Chat
from tests.bot.cli.running import vetbot
from tests.bot.privacy.people import VETERAN, busy_veteran, figures, raw_files


async def test_export_then_erase_from_the_command_line(tmp_path: Path, chat: Chat) -> None:
    _, number = await busy_veteran(chat.engine)
    database = chat.engine.database
    before = await figures(database)

    missing = vetbot(tmp_path, "privacy", "export", "--request", number)
    assert missing.returncode == 2 and "--reason" in missing.stderr
    twice = vetbot(
        tmp_path, "privacy", "export", "--request", number, "--user", "1", "--reason", "x"
    )
    assert twice.returncode == 2 and "once" in twice.stderr
    nobody = vetbot(tmp_path, "privacy", "export", "--request", "PJ-2020-999999", "--reason", "x")
    assert nobody.returncode == 1 and "nobody" in nobody.stderr

    target = tmp_path / "copy.json"
    done = vetbot(
        tmp_path,
        "privacy",
        "export",
        "--phone",
        VETERAN.phone,
        "--reason",
        "本人申请",
        "--output",
        str(target),
    )
    assert done.returncode == 0, done.stderr
    copy = target.read_text(encoding="utf-8")
    page = target.with_suffix(".html").read_text(encoding="utf-8")
    for value in VETERAN.values():
        assert value in copy and value in page, value
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert json.loads(copy)["tables"]["requests"][0]["number"] == number

    unconfirmed = vetbot(
        tmp_path, "privacy", "erase", "--request", number, "--reason", "本人申请", typed="n\n"
    )
    assert unconfirmed.returncode == 1 and "Nothing erased" in unconfirmed.stderr
    assert VETERAN.phone.encode() in raw_files(database)

    erased = vetbot(
        tmp_path, "privacy", "erase", "--request", number, "--reason", "本人申请", "--yes"
    )
    assert erased.returncode == 0, erased.stderr
    assert "messages" in erased.stdout and "erased" in erased.stderr
    raw = raw_files(database)
    for value in VETERAN.values():
        assert value.encode() not in raw, value
    assert await figures(database) == before

    again = vetbot(
        tmp_path,
        "privacy",
        "export",
        "--request",
        number,
        "--reason",
        "核对",
        "--output",
        str(target),
    )
    assert again.returncode == 0, again.stderr
    for value in VETERAN.values():
        assert value not in target.read_text(encoding="utf-8"), value
    async with database.transaction() as session:
        audit = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action.like("privacy_%")))
        )
    assert [a.action for a in audit] == ["privacy_export", "privacy_erase", "privacy_export"]
    assert all(a.username.startswith("cli:") and a.detail["reason"] for a in audit)


async def test_retention_dry_run_and_rotate_key(tmp_path: Path, chat: Chat) -> None:
    await busy_veteran(chat.engine)
    dry = vetbot(tmp_path, "privacy", "retention", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would be anonymised" in dry.stdout and "3 year" in dry.stdout

    new_key = "a brand new data key for the cli test"
    alone = vetbot(tmp_path, "privacy", "rotate-key", env={"VETBOT_DATA_KEY": new_key})
    assert alone.returncode == 1 and "VETBOT_DATA_KEY_PREVIOUS" in alone.stderr
    rotated = vetbot(
        tmp_path,
        "privacy",
        "rotate-key",
        "--batch",
        "1",
        env={"VETBOT_DATA_KEY": new_key, "VETBOT_DATA_KEY_PREVIOUS": TEST_DATA_KEY},
    )
    assert rotated.returncode == 0, rotated.stderr
    assert "Remove VETBOT_DATA_KEY_PREVIOUS" in rotated.stderr
    async with chat.engine.database.transaction() as session:
        [answers] = list(await session.scalars(select(ServiceRequest.answers)))
    sealed = [v for v in answers.values() if isinstance(v, str) and v.startswith("sealed:")]
    key = DataKey(new_key.encode())
    assert sealed and all(sealed_under(v) == key.key_id for v in sealed)
    assert key.open(sealed[0]) == VETERAN.id_number
