"""`POST /api/chat` and `GET /api/history` over real HTTP against a running uvicorn."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from pydantic import SecretStr

from bot.config import Settings
from bot.web.app import create_app
from tests.bot.web.servers import API_KEY, INTEGRATION, serving
from tests.paths import FIXTURE_KB

# One server for the module (start-up builds the understanding, about a second); every test
# talks as its own user, so none sees another's conversation.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    folder: Path = tmp_path_factory.mktemp("chat-api")
    shutil.copytree(FIXTURE_KB, folder / "policies")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'web.db'}",
        policies_dir=folder / "policies",
        watch_policies=False,
        api_key=SecretStr(API_KEY),
    )
    async with serving(create_app(settings)) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="module")
async def client(server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server) as client:
        # A browser's identity, from the page, that the tests name with the integration key:
        # so they may both post as that user and read its history by cookie.
        cookie = (await client.get("/")).cookies["vetbot_uid"]
        client.cookies.clear()
        client.headers["x-test-user"] = cookie.partition(".")[0]
        client.headers["x-test-cookie"] = cookie
        client.headers.update(INTEGRATION)
        yield client


def me(client: httpx.AsyncClient) -> dict[str, str]:
    return {"Cookie": f"vetbot_uid={client.headers['x-test-cookie']}"}


async def post(client: httpx.AsyncClient, **body: object) -> httpx.Response:
    message = {"user_id": client.headers["x-test-user"], "message_id": "m1", **body}
    return await client.post("/api/chat", json=message)


async def test_text_in_replies_out_in_the_documented_shape(client: httpx.AsyncClient) -> None:
    response = await post(client, text="优待证")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["replies"]
    reply = body["replies"][0]
    assert set(reply) == {"text", "options"} and "哪一个" in reply["text"]
    assert reply["options"][0] == {
        "label": "优待证挂失补办",
        "payload": "entry:preferential.card_loss",
    }


async def test_payload_picks_an_option(client: httpx.AsyncClient) -> None:
    await post(client, text="优待证")
    response = await post(client, message_id="m2", payload="entry:preferential.card")
    assert "测试答案：到乡镇服务站申请优待证。" in response.json()["replies"][0]["text"]


async def test_a_resent_message_id_gets_the_same_replies(client: httpx.AsyncClient) -> None:
    first = await post(client, text="优待证")
    await post(client, message_id="m2", text="菜单")
    again = await post(client, text="优待证")
    assert again.json() == first.json()


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"user_id": "u1", "message_id": "m9", "text": "优" * 2001}, 422, "longer than 2000"),
        ({"user_id": "u1", "message_id": "m9", "text": ""}, 422, '"text" is empty'),
        ({"user_id": "u1", "message_id": "m9", "text": "  "}, 422, '"text" is empty'),
        ({"user_id": "u1", "message_id": "m9"}, 422, 'either "text" or "payload"'),
        ({"user_id": "u1", "message_id": "m9", "text": "a", "payload": "menu"}, 422, "not both"),
        ({"message_id": "m9", "text": "a"}, 422, '"user_id" is required'),
        ({"user_id": "", "message_id": "m9", "text": "a"}, 422, '"user_id" is empty'),
        ({"user_id": "u1", "message_id": "m9", "text": "a", "x": 1}, 422, 'unknown field "x"'),
        (["not", "an", "object"], 422, "must be a JSON object"),
    ],
)
async def test_bad_bodies_get_a_clear_4xx_and_change_nothing(
    client: httpx.AsyncClient, body: object, status: int, detail: str
) -> None:
    await post(client, text="优待证")
    before = (await client.get("/api/history", headers=me(client))).json()
    if isinstance(body, dict) and body.get("user_id") == "u1":
        body = {**body, "user_id": client.headers["x-test-user"]}
    response = await client.post("/api/chat", json=body)
    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert (await client.get("/api/history", headers=me(client))).json() == before


async def test_malformed_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/chat",
        content=b'{"user_id": "u1", "text": ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["detail"] == "the body is not valid JSON"


@pytest.mark.parametrize(
    ("content_type", "status"),
    [("application/json; charset=utf-8", 200), ("text/plain", 422), (None, 422)],
)
async def test_a_body_is_read_as_json_only_when_it_says_it_is_json(
    client: httpx.AsyncClient, content_type: str | None, status: int
) -> None:
    message = {"user_id": client.headers["x-test-user"], "message_id": "m1", "text": "优待证"}
    headers = {} if content_type is None else {"content-type": content_type}
    response = await client.post("/api/chat", content=json.dumps(message), headers=headers)
    assert response.status_code == status
    if status == 200:
        assert response.headers["content-type"] == "application/json"
        assert "哪一个" in response.json()["replies"][0]["text"]


async def test_an_oversized_body_is_refused_before_parsing(client: httpx.AsyncClient) -> None:
    body = json.dumps({"user_id": "u1", "message_id": "m1", "text": "x" * 20_000}).encode()
    response = await client.post(
        "/api/chat", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and "larger than" in response.json()["detail"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 1000

    streamed = await client.post("/api/chat", content=chunks())
    assert streamed.status_code == 413


async def test_history_follows_the_cookie(client: httpx.AsyncClient) -> None:
    await post(client, text="优待证")
    await post(client, message_id="m2", text="2")
    mine = (await client.get("/api/history", headers=me(client))).json()["messages"]
    assert [m["sender"] for m in mine] == ["user", "bot", "user", "bot"]
    assert mine[0]["text"] == "优待证" and mine[2]["text"] == "2"
    assert mine[1]["options"][1]["payload"] == "entry:preferential.card"
    assert (await client.get("/api/history")).json() == {"messages": [], "last": 0}
    other = (await client.get("/api/history", headers={"Cookie": "vetbot_uid=someone"})).json()
    assert other == {"messages": [], "last": 0}


async def test_page_sets_a_cookie_once_and_serves_its_files(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200 and "平江县退役军人服务助手" in page.text
    uid = page.cookies.get("vetbot_uid")
    assert uid and len(uid) > 20
    client.cookies.clear()
    again = await client.get("/", headers={"Cookie": f"vetbot_uid={uid}"})
    assert "vetbot_uid" not in again.cookies
    for path in ("/static/chat.js", "/static/chat.css"):
        assert (await client.get(path)).status_code == 200


async def test_openapi_documents_the_chat_api(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "/api/chat" in schema["paths"] and "/api/history" in schema["paths"]
    request = schema["components"]["schemas"]["ChatRequest"]
    assert set(request["properties"]) == {"user_id", "message_id", "text", "payload"}
    assert (await client.get("/docs")).status_code == 200
