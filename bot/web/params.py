"""Bounded path and query parameters: an id no row can have is refused (422) before it reaches
the database, where SQLite overflows past 2**63 and PostgreSQL's INTEGER past 2**31 (a 500
either way), and a case number is letters, digits and dashes (a NUL in it is a 500 on
PostgreSQL)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import StringConstraints

MAX_ROW_ID = 2**31 - 1  # the largest INTEGER on PostgreSQL

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
Cursor = Annotated[int, Query(ge=0, le=MAX_ROW_ID)]  # "after message N"
CaseNumber = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
# Words a person typed (a reply, a note, a login name): anything but NUL, which PostgreSQL
# refuses to store (a 500 there, and only there).
Typed = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
