"""Knowledge-base edits reach a running server without a restart, through the file watcher and
through `vetbot policies reload`; a broken edit is reported with file:line and never served."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx

from bot.config import Settings
from bot.web.app import create_app
from tests.bot.web.servers import serving

VETBOT = Path(sys.executable).with_name("vetbot")
OLD_ANSWER = "测试答案：到乡镇服务站申请优待证。"
NEW_ANSWER = "新答案：带上身份证到乡镇服务站申请。"


def edit(policies: Path, old: str, new: str) -> None:
    path = policies / "kb" / "preferential.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


class Asker:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.count = 0

    async def answer(self) -> str:
        self.count += 1
        message = {"user_id": "admin", "message_id": str(self.count), "text": "优待证怎么办理"}
        response = await self.client.post("/api/chat", json=message)
        return str(response.json()["replies"][0]["text"])


async def health(client: httpx.AsyncClient) -> Any:
    return (await client.get("/healthz")).json()


async def wait_for(client: httpx.AsyncClient, condition: str, timeout: float = 30) -> Any:
    """Poll /healthz until `condition` ('fingerprint:<old>' changed, or 'status:<value>')."""
    kind, _, value = condition.partition(":")
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        body = await health(client)
        current = body["knowledge_base"]["fingerprint"] if kind == "fingerprint" else body["status"]
        if (kind == "fingerprint" and current != value) or (kind == "status" and current == value):
            return body
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"/healthz never showed {condition}: {body}")
        await asyncio.sleep(0.2)


async def test_the_file_watcher_swaps_good_edits_and_refuses_bad_ones(
    settings: Settings, policies: Path
) -> None:
    watched = settings.model_copy(update={"watch_policies": True})
    async with serving(create_app(watched)) as url, httpx.AsyncClient(base_url=url) as client:
        asker = Asker(client)
        assert OLD_ANSWER in await asker.answer()
        first = (await health(client))["knowledge_base"]["fingerprint"]

        edit(policies, OLD_ANSWER, NEW_ANSWER)
        await wait_for(client, f"fingerprint:{first}")
        assert NEW_ANSWER in await asker.answer()

        edit(policies, "    reviewed: 2024-06-01\n", "    reviewed: someday\n")
        broken = await wait_for(client, "status:warning")
        errors = broken["reload_errors"]
        assert any(e.startswith("policies/kb/preferential.yaml:19:") for e in errors)
        assert NEW_ANSWER in await asker.answer()  # the last good knowledge base still serves

        edit(policies, "    reviewed: someday\n", "    reviewed: 2024-06-02\n")
        fixed = await wait_for(client, "status:ok")
        assert fixed["reload_errors"] == []


async def run_reload(url: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(VETBOT),
        "policies",
        "reload",
        "--url",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return int(process.returncode or 0), output.decode()


async def test_vetbot_policies_reload_swaps_good_edits_and_refuses_bad_ones(
    settings: Settings, policies: Path
) -> None:
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as client:
        asker = Asker(client)
        edit(policies, OLD_ANSWER, NEW_ANSWER)
        assert OLD_ANSWER in await asker.answer()  # no watcher: nothing changes by itself

        code, output = await run_reload(url)
        assert code == 0 and "knowledge base reloaded" in output
        assert NEW_ANSWER in await asker.answer()

        edit(policies, "    reviewed: 2024-06-01\n", "    reviewed: someday\n")
        code, output = await run_reload(url)
        assert code == 1 and "policies/kb/preferential.yaml:19:" in output
        assert "keeps its last good knowledge base" in output
        assert (await health(client))["status"] == "warning"
        assert NEW_ANSWER in await asker.answer()

        edit(policies, "    reviewed: someday\n", "    reviewed: 2024-06-02\n")
        code, output = await run_reload(url)
        assert code == 0 and (await health(client))["status"] == "ok"


async def test_reload_command_without_a_server_says_so() -> None:
    code, output = await run_reload("http://127.0.0.1:9")
    assert code == 2 and "No server answered" in output
