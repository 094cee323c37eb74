"""The app factory: one FastAPI app with the web chat, the API, operations and the channels.

What starts and stops with it (database, knowledge base, engine, outbox, background tasks,
channels) is the `Runtime` (`runtime.py`); this module only wires HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles

from bot.config import Settings, get_settings
from bot.coordination import coordinate
from bot.observe import logs
from bot.staff.escalation import Clock
from bot.web import admin as admin_pages
from bot.web import chat_api, docs, ops, page
from bot.web.channels import CHANNELS, ChannelHost, ChannelMount, install_channels
from bot.web.errors import validation_error
from bot.web.headers import SecurityHeaders
from bot.web.limits import BodyLimit
from bot.web.runtime import Runtime
from bot.web.staff import pages as staff_pages
from storage.models.base import utcnow

MAX_API_BODY = 16 * 1024  # bytes; a chat message is at most 2000 characters
MAX_WEBHOOK_BODY = 1024 * 1024  # bytes; a Telegram update or a WeChat message is far smaller

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    channels: tuple[ChannelMount, ...] = CHANNELS,
    *,
    clock: Clock = utcnow,
) -> FastAPI:
    """The app for `settings`, with every configured channel of `channels` mounted. `clock`
    is what the staff console and ticket escalation take as now (tests pass their own)."""
    settings = settings or get_settings()
    runtime = Runtime(settings, clock)
    host = ChannelHost(
        handler=runtime.handle,
        settings=settings,
        later=runtime.enqueue,
        first_use=runtime.first_use,
        coordination=coordinate(settings),
    )
    installed = install_channels(host, channels)
    host.on_stop.insert(0, host.coordination.close)  # the last step (they run in reverse)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime.running(host) as services:
            app.state.services = services
            log.info(
                "vetbot serving",
                extra={
                    "channels": ["web", *installed],
                    "kb": services.knowledge.current.kb.fingerprint,
                },
            )
            yield

    app = FastAPI(
        title="vetbot",
        summary="Self-service assistant for veterans: chat API, health and metrics.",
        lifespan=lifespan,
        docs_url=None,  # served by `docs.install`, without a CDN
        redoc_url=None,
    )
    app.state.clock = clock
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_middleware(BodyLimit, max_bytes=MAX_API_BODY)
    app.add_middleware(BodyLimit, max_bytes=MAX_WEBHOOK_BODY, prefix="/webhooks/")
    app.add_middleware(SecurityHeaders)  # the outermost: refusals get the headers too
    docs.install(app)
    app.include_router(chat_api.router)
    app.include_router(ops.router)
    app.include_router(page.router)
    staff_pages.install(app)
    admin_pages.install(app)
    for router in host.routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=page.STATIC), name="static")
    return app


def worker_app() -> FastAPI:
    """The app of one process of `vetbot serve --workers N`: each process reads the same
    settings and logs as the parent would."""
    settings = get_settings()
    logs.configure(settings.log_level)
    return create_app(settings)
