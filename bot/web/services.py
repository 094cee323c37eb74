"""What the running server holds, made available to routes as a typed dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from bot.config import Settings
from bot.conversation.engine import Engine
from bot.conversation.knowledge import KnowledgeStore
from bot.observe.metrics import Metrics
from bot.outbox.worker import OutboxWorker
from storage.database import Database


@dataclass
class Services:
    settings: Settings
    database: Database
    knowledge: KnowledgeStore
    engine: Engine
    metrics: Metrics
    outbox: OutboxWorker


# async: FastAPI would run a plain `def` dependency in a worker thread, on every request.
async def get_services(request: Request) -> Services:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:  # only between the app's creation and the end of its start-up
        raise HTTPException(503, "the server is still starting; try again in a moment")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
