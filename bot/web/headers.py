"""Security headers on every response, as plain ASGI middleware (no BaseHTTPMiddleware).

Every page, the JSON API, `/static` and the webhooks get a Content-Security-Policy that lets
nothing load from elsewhere and no other site frame the page, `X-Content-Type-Options:
nosniff` and a same-origin `Referrer-Policy`. A response that sets its own policy keeps it
(`/docs` allows its one inline script by hash). The staff console's pages and its API carry
personal data, so they are never cached (`Cache-Control: no-store`).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DEFAULTS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "Referrer-Policy": "same-origin",
}
PRIVATE = ("/staff", "/api/staff")  # path prefixes whose responses are never stored


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = _private(scope["path"])

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in DEFAULTS.items():
                    headers.setdefault(name, value)
                if private:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, sending)


def _private(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PRIVATE)
