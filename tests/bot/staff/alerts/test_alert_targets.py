"""Where a station's alerts go: stations.yaml, checked with the file and line of a bad value,
or the settings, which win and are checked when the server starts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.config import DEFAULT_KB_DIR
from bot.staff.alerts.targets import STAFF_TELEGRAM, WECOM, destinations
from policies.errors import PolicyValidationError
from policies.loader import load
from tests.bot.channels.channel_config import make_settings
from tests.bot.staff.alerts.wecom_fake import KEY, OTHER_KEY, webhook

EMPTY = '    wecom_webhook: ""  # the bureau fills in (see the top of this file)\n'


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(DEFAULT_KB_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def edit(root: Path, old: str, new: str) -> int:
    path = root / "stations.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def problems(root: Path) -> str:
    with pytest.raises(PolicyValidationError) as caught:
        load(root)
    return "\n".join(str(p) for p in caught.value.problems)


def test_the_shipped_directory_has_no_robot_key() -> None:
    kb = load(DEFAULT_KB_DIR)
    assert all(not s.wecom_webhook and not s.telegram_chat for s in kb.stations)


def test_a_webhook_that_is_not_weComs_is_named_with_its_line(policies: Path) -> None:
    line = edit(policies, EMPTY, '    wecom_webhook: "http://example.com/hook"\n')
    found = problems(policies)
    assert f"stations.yaml:{line}: stations.0.wecom_webhook" in found
    assert "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" in found


def test_a_telegram_chat_that_is_not_a_number_is_named_with_its_line(policies: Path) -> None:
    line = edit(policies, '    telegram_chat: ""\n', '    telegram_chat: "@county_staff"\n')
    assert f"stations.yaml:{line}: stations.0.telegram_chat" in problems(policies)


def test_a_station_not_on_record_takes_no_alerts(policies: Path) -> None:
    edit(
        policies,
        "    aliases: [汉昌, 汉昌镇]\n",
        '    aliases: [汉昌, 汉昌镇]\n    telegram_chat: "-100"\n',
    )
    assert "station 'hanchang' is not on record but has telegram_chat" in problems(policies)


def test_settings_win_over_stations_yaml_and_telegram_needs_its_bot(policies: Path) -> None:
    edit(policies, EMPTY, f'    wecom_webhook: "{webhook(KEY)}"\n')
    edit(policies, '    telegram_chat: ""\n', '    telegram_chat: "-1001"\n')
    kb = load(policies)
    plain = make_settings(policies_dir=policies)
    assert [(d.channel, d.chat_id) for d in destinations(kb, plain, "county")] == [
        (WECOM, "county")  # no Telegram bot configured: its chat is not used
    ]
    both = make_settings(
        policies_dir=policies,
        telegram_token=SecretStr("123456:TEST-fake-token"),
        alert_wecom_webhooks={"county": webhook(OTHER_KEY)},
        alert_telegram_chats={"tongshi": "-1002"},
    )
    assert [(d.channel, d.chat_id) for d in destinations(kb, both, "county")] == [
        (WECOM, "county"),
        (STAFF_TELEGRAM, "-1001"),
    ]
    assert [(d.channel, d.chat_id) for d in destinations(kb, both, "tongshi")] == [
        (STAFF_TELEGRAM, "-1002")
    ]
    assert destinations(kb, both, "wukou") == []


def test_a_bad_webhook_in_the_settings_stops_the_server_saying_which() -> None:
    with pytest.raises(ValidationError) as caught:
        make_settings(alert_wecom_webhooks={"tongshi": "https://example.com/?key=x"})
    assert "VETBOT_ALERT_WECOM_WEBHOOKS['tongshi'] is not a WeCom robot webhook" in str(
        caught.value
    )
    with pytest.raises(ValidationError):
        make_settings(alert_telegram_chats={"county": "staff-group"})
