"""Every setting is documented: the README's table is `vetbot settings --markdown` exactly."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from bot.cli import app
from bot.cli.settings_cmd import markdown
from bot.config import Settings, get_settings
from tests.paths import REPO

README = REPO / "README.md"


def test_readme_table_is_the_generated_one() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- settings:start.*?-->\n(.*?)<!-- settings:end -->", text, re.S)
    assert block, "README.md lacks the settings block"
    assert block.group(1) == markdown(), (
        "README.md's settings table is out of date: paste `vetbot settings --markdown` "
        "between the settings markers"
    )


def test_every_setting_has_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"


def test_settings_command_hides_secrets() -> None:
    get_settings.cache_clear()  # read the environment this test sets
    try:
        result = CliRunner().invoke(
            app, ["settings"], env={"VETBOT_TELEGRAM_TOKEN": "123:secret-token"}, terminal_width=250
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0
    assert "secret-token" not in result.stdout
    token_row = next(line for line in result.stdout.splitlines() if "VETBOT_TELEGRAM_TOKEN" in line)
    assert "(set)" in token_row
