"""A request-body size cap for the JSON API and the webhooks, as plain ASGI middleware (no
BaseHTTPMiddleware).

The body is read up to the cap before the route runs, so an oversized request is refused with
413 without being parsed or changing anything. JSON nested deeper than `MAX_DEPTH` is refused
with 400 too: Python's parser would hit its recursion limit on it, a 500 that Telegram would
deliver again forever.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_DEPTH = 64  # levels of JSON arrays and objects; a chat message or an update needs a few


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, prefix: str = "/api/") -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, 413, f"request body is larger than {self.max_bytes} bytes")
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self._refuse(send, 413, f"request body is larger than {self.max_bytes} bytes")
                return
            if not message.get("more_body", False):
                break
        if _json(scope) and too_deep(body, MAX_DEPTH):
            await self._refuse(send, 400, f"the JSON is nested more than {MAX_DEPTH} levels deep")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, status: int, detail: str) -> None:
        content = json.dumps({"detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(content)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})


def _json(scope: Scope) -> bool:
    return b"json" in dict(scope["headers"]).get(b"content-type", b"")


def too_deep(body: bytes | bytearray, limit: int) -> bool:
    """Whether JSON `body` opens more than `limit` arrays or objects inside each other (brackets
    inside strings do not count). Anything that is not JSON is left for the route to refuse."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # the common case, without a walk
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False
