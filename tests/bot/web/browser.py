"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright never downloads a browser here; `make browser` (part of `make setup`) installs
Debian's. A test gets one through the `browser` fixture (tests/bot/web/conftest.py), which
launches it for that test only: a started sync Playwright marks its event loop as the thread's
running loop between calls, so one kept for the session would make every async test after it
fail ("Runner.run() cannot be called from a running event loop"). For the same reason a test
names the fixtures that run an event loop of their own (`asyncio.run`) before `browser`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, ViewportSize, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
MISSING = (
    "/usr/bin/chromium is missing: `make browser` (part of `make setup`) installs Debian's chromium"
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE: ViewportSize = {"width": 360, "height": 740}
# Starting a `vetbot serve` child and Chromium on a loaded two-core CI machine takes a while.
TIMEOUT = 300


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, closed afterwards."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
