"""Settings for adapter tests."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from bot.config import Settings

# Channel settings a developer's shell might hold (VETBOT_*), blanked unless a test sets them.
_BLANK = {
    "telegram_token": SecretStr(""),
    "telegram_webhook_url": "",
    "telegram_webhook_secret": SecretStr(""),
    "wechat_token": SecretStr(""),
    "wechat_app_id": "",
    "wechat_app_secret": SecretStr(""),
    "wechat_aes_key": SecretStr(""),
}


def make_settings(**values: Any) -> Settings:
    """Settings from these values only: no .env file, no channel settings from the shell."""
    return Settings(_env_file=None, **{**_BLANK, **values})
