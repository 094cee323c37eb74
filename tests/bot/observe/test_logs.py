"""Logs are JSON lines and never show an ID number or a mobile number in full."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.observe.logs import JsonFormatter, MaskingFilter
from bot.privacy.masking import mask


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("430626199001011234", "4306**********1234"),
        ("身份证43062619900101123X。", "身份证4306**********123X。"),
        ("手机13812345678", "手机138****5678"),
        ("call +86 13812345678 now", "call +86 138****5678 now"),
        ("order 12345678901234567890", "order 12345678901234567890"),  # not an ID: too long
        ("2024-06-01 8:30", "2024-06-01 8:30"),
    ],
)
def test_mask(text: str, masked: str) -> None:
    assert mask(text) == masked


def test_records_are_masked_json_lines_with_extras_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("vetbot.test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("user typed %s", "430626199001011234", extra={"phone": "13812345678"})
        try:
            raise ValueError("bad 13912345678")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "user typed 4306**********1234"
    assert first["phone"] == "138****5678" and first["level"] == "WARNING"
    assert "139****5678" in second["exception"] and "13912345678" not in second["exception"]
