"""The access token for WeChat's server APIs, from the stable_token endpoint, cached.

stable_token (unlike the older /cgi-bin/token) gives every caller the same token while it is
valid and does not invalidate the one another caller holds, so each process can cache its own
copy without the processes knocking each other's tokens out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx

from bot.outbox.sender import DeliveryError

PATH = "/cgi-bin/stable_token"
REFRESH_MARGIN = 300.0  # seconds before expiry a token is replaced
# The token was rejected by an API call: expired, invalid, or not the latest one.
REJECTED = frozenset({40001, 40014, 42001})
_HINTS = {
    40013: "check VETBOT_WECHAT_APP_ID",
    40125: "check VETBOT_WECHAT_APP_SECRET",
    40164: "add this server's IP address to the Official Account's IP whitelist",
}


class AccessToken:
    def __init__(
        self,
        http: httpx.AsyncClient,
        app_id: str,
        app_secret: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._app_id = app_id
        self._app_secret = app_secret
        self._clock = clock
        self._lock = asyncio.Lock()  # one request for a token at a time, the others reuse it
        self._token: str | None = None
        self._expires = 0.0
        self._rejected: str | None = None

    async def get(self) -> str:
        async with self._lock:
            token = self._token
            if token is None or self._clock() >= self._expires - REFRESH_MARGIN:
                token = await self._fetch(force=False)
                if token == self._rejected:
                    # WeChat handed back the token it just refused: ask for a new one. Forcing
                    # is rationed (a few times a day) and ends every other holder's token.
                    token = await self._fetch(force=True)
            return token

    def invalidate(self, token: str) -> None:
        """An API call refused `token`: fetch another next time."""
        if token == self._token:
            self._token, self._rejected = None, token

    async def _fetch(self, *, force: bool) -> str:
        if not self._app_id or not self._app_secret:
            raise DeliveryError(
                "VETBOT_WECHAT_APP_ID and VETBOT_WECHAT_APP_SECRET are needed to send WeChat "
                "messages outside a passive reply."
            )
        request = {
            "grant_type": "client_credential",
            "appid": self._app_id,
            "secret": self._app_secret,
            "force_refresh": force,
        }
        try:
            response = await self._http.post(PATH, json=request)
            result: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise DeliveryError(f"WeChat stable_token request failed: {error!r}") from error
        token, lifetime = result.get("access_token"), result.get("expires_in")
        if not isinstance(token, str) or not isinstance(lifetime, int):
            code = result.get("errcode")
            hint = _HINTS.get(code, "") if isinstance(code, int) else ""
            raise DeliveryError(
                f"WeChat gave no access token: errcode {code}, {result.get('errmsg')!r}"
                + (f" ({hint})" if hint else "")
            )
        self._token, self._expires = token, self._clock() + lifetime
        return token
