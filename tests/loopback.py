"""An aiohttp app on a free port of 127.0.0.1: what every fake platform server of the tests
(Telegram's Bot API, WeChat's API, WeCom's group robots) runs on."""

from __future__ import annotations

from aiohttp import web


class Loopback:
    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None

    async def serve(self, app: web.Application) -> str:
        """Start serving `app`; its base URL."""
        self._runner = web.AppRunner(app, shutdown_timeout=0.05)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        return f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
