"""`vetbot staff add` and `password` refuse the passwords guessed first: the most common ones,
those of few different characters or digits only, and those made of the username (bug: any ten
characters would do, `1234567890` and `password123` among them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.staff.passwords import weak_password
from tests.bot.cli.test_cli_staff import vetbot

WEAK = [
    "1234567890",
    "password123",
    "Password2024!",
    "qwertyuiop",
    "1qaz2wsx3edc",
    "woaini1314520",
    "aaaaaaaaaaaa",
    "1212121212121212",
    "abababababab",
    "13812345678",  # a phone number: digits only
    "19750505430626",
    "abcdefghijkl",
    "0987654321",
    "liming19750505",  # the username and a birthday
    "gnimil-gnimil",
    "Li.Ming.2024",
]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_named_as_such(password: str) -> None:
    assert weak_password(password, "liming") is not None


@pytest.mark.parametrize(
    "password",
    ["correct horse battery", "平江县老兵服务站2024", "a good long password", "Tea-at-9:30 daily"],
)
def test_good_passwords_pass(password: str) -> None:
    assert weak_password(password, "liming") is None


def test_add_and_password_refuse_a_weak_password(tmp_path: Path) -> None:
    refused = vetbot(
        tmp_path, "add", "liming", "--station", "county", "--password-stdin", stdin="password2024"
    )
    assert refused.returncode == 2 and "most common passwords" in refused.stderr
    assert vetbot(tmp_path, "list").stdout == ""  # nothing was made
    made = vetbot(
        tmp_path,
        "add",
        "liming",
        "--station",
        "county",
        "--password-stdin",
        stdin="a good long password",
    )
    assert made.returncode == 0, made.stderr
    again = vetbot(tmp_path, "password", "liming", "--password-stdin", stdin="liming12345")
    assert again.returncode == 2 and "made of the username" in again.stderr
