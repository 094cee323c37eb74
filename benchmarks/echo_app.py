"""The yardstick for `POST /api/chat`: a bare FastAPI endpoint with the same request and reply
shape (a pydantic body in, one reply out), served by the same uvicorn, doing no work at all."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel


class Message(BaseModel):
    user_id: str | None = None
    message_id: str
    text: str | None = None
    payload: str | None = None


def app() -> FastAPI:
    echo = FastAPI()

    @echo.post("/api/chat")
    async def chat(message: Message) -> dict[str, object]:
        return {"replies": [{"text": message.text or "", "options": []}]}

    @echo.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return echo
