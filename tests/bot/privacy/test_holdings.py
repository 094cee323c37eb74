"""Every table of the schema is accounted for: a holding of personal data (exported, erased) or
named as holding none. A table added without deciding fails here."""

from __future__ import annotations

from bot.privacy.holdings import DELETE, KEEP, NOT_PERSONAL, holdings, unclassified, unreviewed
from storage.models import Base


def test_every_table_is_a_holding_or_named_as_not_personal() -> None:
    assert unclassified() == [], (
        "decide in bot/privacy/holdings.py whether these tables hold a person's data"
    )
    assert unreviewed() == [], "say in KEEP which columns of these the reports count"
    names = set(Base.metadata.tables)
    assert set(KEEP) | DELETE | set(NOT_PERSONAL) <= names, "a table named there is gone"


def test_what_erasure_clears_and_keeps() -> None:
    cleared = {h.name: {c.name for c in h.cleared()} for h in holdings()}
    assert {"text", "payload", "options"} <= cleared["messages"]
    assert "answers" in cleared["requests"] and "type_id" not in cleared["requests"]
    assert {"summary", "resolution"} <= cleared["tickets"]
    assert "station_id" not in cleared["tickets"] and "rating" not in cleared["tickets"]
    assert {"chat_id", "external_user_id", "values"} <= cleared["conversations"]
    assert {h.name for h in holdings() if h.delete} == set(DELETE)
    # Whatever the family filing holds about the veteran goes.
    if "filed_for" in cleared:
        assert {"name", "id_number", "phone"} <= cleared["filed_for"]
