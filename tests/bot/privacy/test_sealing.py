"""ID numbers sealed under the data key: readable only with it, and masked wherever shown."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.privacy.masking import mask_id_number, mask_phone
from bot.privacy.sealing import DataKey, PersonalDataUnreadable, data_key, is_sealed

ID = "11010519491231002X"


def test_sealed_values_open_with_the_same_key_only() -> None:
    key = DataKey(b"a long random test key")
    sealed = key.seal(ID)
    assert is_sealed(sealed) and ID not in sealed
    assert key.seal(ID) != sealed  # a fresh nonce each time: equal IDs do not look equal
    assert key.open(sealed) == ID
    with pytest.raises(PersonalDataUnreadable, match="set VETBOT_DATA_KEY to the key"):
        DataKey(b"another long random key").open(sealed)


def test_a_damaged_value_is_refused_not_misread() -> None:
    key = DataKey(b"a long random test key")
    sealed = key.seal(ID)
    damaged = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(PersonalDataUnreadable, match="damaged"):
        key.open(damaged)
    with pytest.raises(PersonalDataUnreadable, match="not sealed"):
        key.open(ID)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 characters"):
        DataKey(b"short")


def test_the_configured_key_wins(tmp_path: Path) -> None:
    settings = Settings(data_key=SecretStr("x" * 32), data_key_file=tmp_path / "data.key")
    sealed = data_key(settings).seal(ID)
    assert DataKey(b"x" * 32).open(sealed) == ID
    assert not (tmp_path / "data.key").exists()


def test_without_a_key_a_development_key_file_is_made_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "var" / "data.key"
    settings = Settings(data_key=SecretStr(""), data_key_file=path)
    with caplog.at_level(logging.WARNING, logger="bot.privacy.sealing"):
        sealed = data_key(settings).seal(ID)
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "VETBOT_DATA_KEY is not set" in caplog.text and str(path) in caplog.text
    # Another process (no cache) reads the same file and opens what this one sealed.
    assert DataKey(path.read_text(encoding="ascii").strip().encode()).open(sealed) == ID


@pytest.mark.parametrize(
    ("number", "masked"),
    [("11010519491231002X", "1101**********002X"), ("430626199001011236", "4306**********1236")],
)
def test_id_numbers_are_masked_to_region_and_last_four(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


def test_phones_are_masked_to_first_three_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "*****"
