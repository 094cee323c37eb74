"""The access token for WeChat's server APIs, from the stable_token endpoint, cached.

stable_token (unlike the older /cgi-bin/token) gives every caller the same token while it is
valid and does not invalidate the one another caller holds. Still, the token is kept on a
`Shelf` and refreshed under its lock: with VETBOT_REDIS_URL every process of the deployment
shares one token and one refresh at a time (the calls are counted against a daily quota, and
a forced refresh ends every other holder's token); without it, this process keeps its own."""

from __future__ import annotations

from typing import Any

import httpx

from bot.coordination.local import LocalShelf
from bot.coordination.types import Shelf
from bot.outbox.sender import DeliveryError

PATH = "/cgi-bin/stable_token"
REFRESH_MARGIN = 300.0  # seconds before expiry a token is replaced
LOCK_EXPIRY = 30.0  # seconds a refresh may hold the lock (three HTTP timeouts)
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
        shelf: Shelf | None = None,
    ) -> None:
        self._http = http
        self._app_id = app_id
        self._app_secret = app_secret
        self._shelf = shelf or LocalShelf()
        self._name = f"wechat:token:{app_id}"
        self._rejected: str | None = None

    async def get(self) -> str:
        token = await self._shelf.get(self._name)
        if token is not None:
            return token
        # One request for a token at a time; whoever waited reuses the one just fetched.
        async with self._shelf.lock(self._name, LOCK_EXPIRY):
            token = await self._shelf.get(self._name)
            if token is None:
                token = await self._fetch(force=False)
                if token == self._rejected:
                    # WeChat handed back the token it just refused: ask for a new one. Forcing
                    # is rationed (a few times a day) and ends every other holder's token.
                    token = await self._fetch(force=True)
            return token

    async def invalidate(self, token: str) -> None:
        """An API call refused `token`: fetch another next time (unless another process
        already put a newer one)."""
        self._rejected = token
        await self._shelf.discard(self._name, token)

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
        await self._shelf.put(self._name, token, max(lifetime - REFRESH_MARGIN, 1.0))
        return token
