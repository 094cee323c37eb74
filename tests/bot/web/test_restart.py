"""Kill the server mid-conversation (SIGKILL), start it again: the user carries on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bot.web.servers import ServerProcess, free_port


def say(browser: httpx.Client, url: str, message_id: str, text: str) -> Any:
    response = browser.post(
        f"{url}/api/chat", json={"message_id": message_id, "text": text}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["replies"][0]


@pytest.mark.timeout(300)  # two `vetbot serve` start-ups, each allowed 60 s to answer
def test_a_conversation_survives_a_killed_server(tmp_path: Path, policies: Path) -> None:
    env = {
        "VETBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'restart.db'}",
        "VETBOT_POLICIES_DIR": str(policies),
        "VETBOT_WATCH_POLICIES": "false",
    }
    server = ServerProcess(env, free_port(), tmp_path / "server.log")
    server.start()
    # One browser throughout: its identity cookie, signed before the crash, still holds after.
    with httpx.Client() as browser:
        try:
            say(browser, server.url, "1", "How do I apply for the veteran preferential card?")
            clarify = say(browser, server.url, "2", "优待证")  # …and Chinese again, with choices
            assert clarify["options"][1]["payload"] == "entry:preferential.card"
            say(browser, server.url, "3", "菜单")
            town = say(browser, server.url, "4", "6")  # into the town flow, mid-step
            assert town["options"][0]["payload"] == "flow:town:tongshi"
            server.kill()

            server.start()  # same database file, fresh process
            # A redelivery after the crash: same reply; then the flow step continues.
            assert say(browser, server.url, "4", "6") == town
            done = say(browser, server.url, "5", "1")
            assert "已记下您在童市镇退役军人服务站" in done["text"]
            history = browser.get(f"{server.url}/api/history").json()["messages"]
            assert len(history) == 10
        finally:
            server.stop()
