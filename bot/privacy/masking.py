"""Masking personal data for display and logs: enough to recognise, not enough to misuse."""

from __future__ import annotations

import re

# 18-digit resident ID (last may be X) and mainland mobile numbers, not inside longer digit runs.
_ID_NUMBER = re.compile(r"(?<![0-9])([1-9]\d{3})\d{10}(\d{3}[0-9Xx])(?![0-9Xx])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d)\d{4}(\d{4})(?![0-9])")


def mask(text: str) -> str:
    """4306**********123X, 138****5678: enough to recognise, not enough to misuse."""
    return _MOBILE.sub(lambda m: f"{m[1]}****{m[2]}", mask_id_numbers(text))


def mask_id_numbers(text: str) -> str:
    """Only the ID numbers masked, as on bureau forms (4306**********123X)."""
    return _ID_NUMBER.sub(lambda m: f"{m[1]}{'*' * 10}{m[2]}", text)
