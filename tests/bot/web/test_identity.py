"""Who a web user is, attacked over real HTTP: cookies the server did not sign, a `user_id` in
the body without the API key, wrong keys, and identities in the logs (issue #16)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from pydantic import SecretStr

from bot.channels.web.identity import Identities
from bot.config import Settings
from bot.web.app import create_app
from tests.bot.web.servers import API_KEY, INTEGRATION, chat_settings, serving

pytestmark = pytest.mark.asyncio(loop_scope="module")

PHONE = "13812345678"


@dataclass
class Server:
    url: str
    settings: Settings


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Server]:
    settings = chat_settings(tmp_path_factory.mktemp("identity"))
    async with serving(create_app(settings)) as url:
        yield Server(url, settings)


async def a_victim(server: Server) -> tuple[str, str]:
    """A browser that opened the page and told the bot its phone: (identity, signed cookie)."""
    async with httpx.AsyncClient(base_url=server.url) as victim:
        cookie = (await victim.get("/")).cookies["vetbot_uid"]
        said = await victim.post("/api/chat", json={"message_id": "1", "text": f"我的电话{PHONE}"})
        assert said.status_code == 200
        history = (await victim.get("/api/history")).json()["messages"]
        assert history and history[0]["sender"] == "user"
    return cookie.partition(".")[0], cookie


async def read_as(server: Server, cookie: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url) as attacker:
        return await attacker.get("/api/history", headers={"Cookie": f"vetbot_uid={cookie}"})


async def test_the_page_issues_a_random_signed_httponly_cookie(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as browser:
        page = await browser.get("/")
    header = page.headers["set-cookie"]
    assert "httponly" in header.lower() and "samesite=lax" in header.lower()
    assert "secure" not in header.lower()  # plain http here; https gets Secure
    identity, _, signature = page.cookies["vetbot_uid"].partition(".")
    assert len(identity) == 23 and identity.startswith("w")  # w + 128 random bits
    assert len(signature) == 22
    async with httpx.AsyncClient(base_url=server.url) as other:
        assert (await other.get("/")).cookies["vetbot_uid"].partition(".")[0] != identity


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda identity, cookie: identity, id="unsigned"),
        pytest.param(lambda identity, cookie: f"{identity}.{'A' * 22}", id="forged-signature"),
        pytest.param(lambda identity, cookie: cookie[:-1], id="cut-short"),
        pytest.param(
            lambda identity, cookie: Identities(b"another key").cookie_for(identity),
            id="signed-elsewhere",
        ),
        pytest.param(lambda identity, cookie: "42", id="short-invented"),
    ],
)
async def test_a_cookie_the_server_did_not_sign_reads_nothing_and_gets_a_new_identity(
    server: Server, forge: object
) -> None:
    identity, cookie = await a_victim(server)
    assert callable(forge)
    forged = forge(identity, cookie)
    for path in ("/api/history", "/api/updates?after=0"):
        async with httpx.AsyncClient(base_url=server.url) as attacker:
            response = await attacker.get(path, headers={"Cookie": f"vetbot_uid={forged}"})
        assert response.status_code == 200 and response.json()["messages"] == []
        issued = response.cookies["vetbot_uid"]
        assert (
            issued.partition(".")[0] != identity
            and "httponly" in response.headers["set-cookie"].lower()
        )
    # The real cookie still reads the victim's conversation.
    mine = (await read_as(server, cookie)).json()["messages"]
    assert any(PHONE[:3] in m["text"] for m in mine)


async def test_a_body_user_id_without_the_key_is_ignored(server: Server) -> None:
    identity, cookie = await a_victim(server)
    async with httpx.AsyncClient(base_url=server.url) as attacker:
        posed = await attacker.post(
            "/api/chat", json={"user_id": identity, "message_id": "2", "text": "查询进度"}
        )
        assert posed.status_code == 200
        given = posed.cookies["vetbot_uid"].partition(".")[0]
        assert given != identity  # the attacker is someone new, not the victim
        theirs = (await attacker.get("/api/history")).json()["messages"]
    assert [m["text"] for m in theirs if m["sender"] == "user"] == ["查询进度"]
    mine = (await read_as(server, cookie)).json()["messages"]
    assert "查询进度" not in [m["text"] for m in mine]


@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {API_KEY}x", "Bearer", f"Basic {API_KEY}", API_KEY, "Bearer wrong"],
)
async def test_a_wrong_key_is_401_and_changes_nothing(server: Server, authorization: str) -> None:
    identity, cookie = await a_victim(server)
    async with httpx.AsyncClient(base_url=server.url) as attacker:
        response = await attacker.post(
            "/api/chat",
            json={"user_id": identity, "message_id": "3", "text": "菜单"},
            headers={"Authorization": authorization},
        )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "vetbot_uid" not in response.cookies
    mine = (await read_as(server, cookie)).json()["messages"]
    assert "菜单" not in [m["text"] for m in mine]


async def test_the_key_may_name_any_user_as_the_api_always_allowed(server: Server) -> None:
    identity, cookie = await a_victim(server)
    async with httpx.AsyncClient(base_url=server.url, headers=INTEGRATION) as integration:
        named = await integration.post(
            "/api/chat", json={"user_id": identity, "message_id": "4", "text": "查询进度"}
        )
        missing = await integration.post("/api/chat", json={"message_id": "5", "text": "菜单"})
    assert named.status_code == 200 and "vetbot_uid" not in named.cookies
    assert missing.status_code == 422 and missing.json()["detail"] == '"user_id" is required'
    mine = (await read_as(server, cookie)).json()["messages"]
    assert "查询进度" in [m["text"] for m in mine]


async def test_without_a_configured_key_every_key_is_wrong(tmp_path: Path) -> None:
    settings = chat_settings(tmp_path, api_key=SecretStr(""))
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as client:
        body = {"user_id": "u1", "message_id": "1", "text": "菜单"}
        for authorization in ("Bearer", "Bearer anything-at-all-here", "Bearer x"):
            answer = await client.post(
                "/api/chat", json=body, headers={"Authorization": authorization}
            )
            assert answer.status_code == 401


async def test_the_docs_describe_the_key(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        schema = (await client.get("/openapi.json")).json()
    [scheme] = schema["components"]["securitySchemes"].values()
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert "VETBOT_API_KEY" in scheme["description"]
    chat = schema["paths"]["/api/chat"]["post"]
    assert chat["security"] and {"401", "429"} <= set(chat["responses"])
    user_id = schema["components"]["schemas"]["ChatRequest"]["properties"]["user_id"]
    assert "ignored" in user_id["description"]


async def test_logs_name_no_identity_and_never_the_key(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    identity, _ = await a_victim(server)
    async with httpx.AsyncClient(base_url=server.url, headers=INTEGRATION) as integration:
        await integration.post(
            "/api/chat", json={"user_id": "integration-user-7", "message_id": "1", "text": "菜单"}
        )
    handled = [r for r in caplog.records if r.getMessage() == "turn handled"]
    assert len(handled) >= 2
    ours = [r for r in caplog.records if r.name.split(".")[0] in ("bot", "uvicorn")]
    for record in ours:
        everything = f"{record.getMessage()} {record.__dict__}"
        assert identity not in everything and "integration-user-7" not in everything
        assert API_KEY not in everything
    keys = {getattr(record, "key", "") for record in handled}
    assert all(key.startswith("web:") and len(key) == len("web:") + 16 for key in keys)
