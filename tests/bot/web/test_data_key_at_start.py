"""Without VETBOT_DATA_KEY the server says so when it starts, not when the first ID number is
typed (by then an operator has long stopped reading the start-up log)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import Settings
from bot.web.app import create_app


async def test_the_missing_data_key_is_reported_at_start(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    keyless = settings.model_copy(update={"data_key_file": tmp_path / "var" / "data.key"})
    assert not keyless.data_key.get_secret_value()
    app = create_app(keyless)
    with caplog.at_level(logging.WARNING):
        async with app.router.lifespan_context(app):
            pass  # started and stopped: nobody typed anything
    warned = [r.getMessage() for r in caplog.records if "VETBOT_DATA_KEY" in r.getMessage()]
    assert warned, [r.getMessage() for r in caplog.records]
    assert (tmp_path / "var" / "data.key").exists()
