"""Operations: `/healthz`, Prometheus `/metrics`, and the loopback-only knowledge-base reload."""

from __future__ import annotations

import ipaddress

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.staff.alerts.health import failing as failing_alerts
from bot.web.services import Services, ServicesDep
from storage.errors import StorageUnavailable
from storage.models.base import utcnow
from storage.repositories.outbox import Outbox

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz(services: ServicesDep) -> JSONResponse:
    """Database reachable, which knowledge base serves, and whether the last reload failed.

    200 while the bot can answer (status "ok", or "warning" when an edit failed validation and
    the previous knowledge base still serves, or a station's staff alerts are failing); 503
    when the database is unavailable.
    """
    alerts: list[dict[str, object]] = []
    try:
        async with services.database.transaction() as session:
            pending = await Outbox(session).pending()
            kb = services.knowledge.current.kb
            for bad in await failing_alerts(session, kb, services.settings, utcnow()):
                alerts.append(
                    {"channel": bad.channel, "stations": list(bad.stations), "error": bad.error}
                )
        database = "ok"
    except StorageUnavailable as exc:
        pending, database = None, f"unavailable: {exc}"
    failed = [str(problem) for problem in services.knowledge.failed]
    status = "unavailable" if database != "ok" else "warning" if failed or alerts else "ok"
    body = {
        "status": status,
        "database": database,
        "knowledge_base": _knowledge(services),
        "reload_errors": failed,
        "outbox_pending": pending,
        "staff_alerts_failing": alerts,
    }
    return JSONResponse(body, status_code=503 if status == "unavailable" else 200)


def _knowledge(services: Services) -> dict[str, object]:
    kb = services.knowledge.current.kb
    return {
        "fingerprint": kb.fingerprint,
        "loaded_at": kb.loaded_at.isoformat(timespec="seconds"),
        "entries": len(kb.entries),
        "warnings": len(kb.warnings),
    }


@router.get("/metrics")
async def metrics(services: ServicesDep) -> Response:
    """Prometheus text: vetbot_messages_total, vetbot_outcomes_total, vetbot_handle_seconds…"""
    services.metrics.kb_reload_failed.set(1 if services.knowledge.failed else 0)
    return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.post("/api/admin/reload", tags=["admin"])
async def reload(request: Request, services: ServicesDep) -> JSONResponse:
    """Reload the knowledge-base YAML now (`vetbot policies reload`). Loopback clients only.

    200 with the serving fingerprint when the files validate; 422 with `file:line` errors when
    they do not (the previous knowledge base keeps serving).
    """
    _loopback_only(request)
    changed = await services.knowledge.reload()
    errors = [str(p) for p in services.knowledge.failed if not p.warning]
    body = {
        "reloaded": changed,
        "fingerprint": services.knowledge.current.kb.fingerprint,
        "errors": errors,
    }
    return JSONResponse(body, status_code=422 if errors else 200)


def _loopback_only(request: Request) -> None:
    # A request relayed by a proxy on this machine also comes from loopback; the proxy's
    # X-Forwarded-For header gives it away.
    host = request.client.host if request.client else ""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if not local or "x-forwarded-for" in request.headers:
        raise HTTPException(403, "reloading is allowed from this machine only")
