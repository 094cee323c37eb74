"""Ways people type numbers, for the masking tests: full width, and the digits a text holds."""

from __future__ import annotations

import re
import unicodedata


def full_width(text: str) -> str:
    """`text` as a Chinese input method's full-width mode types it (spaces as 　)."""
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text
    )


def digits(text: str) -> str:
    """The digits (and X) in `text`, whatever their width and separators."""
    return re.sub(r"[^0-9X]", "", unicodedata.normalize("NFKC", text).upper())
