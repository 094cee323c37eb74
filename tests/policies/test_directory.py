"""Stations and request forms: bad edits named with their line; routing up the hierarchy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import DEFAULT_KB_DIR
from policies.errors import PolicyValidationError
from policies.loader import KnowledgeBase, load


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(DEFAULT_KB_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def problems(root: Path) -> str:
    with pytest.raises(PolicyValidationError) as caught:
        load(root)
    return "\n".join(str(p) for p in caught.value.problems)


def edit(root: Path, name: str, old: str, new: str) -> int:
    """Replace `old` once in `name`; the line it was on."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_the_same_slot_twice(policies: Path) -> None:
    line = edit(policies, "stations.yaml", "slots: [上午, 下午]", "slots: [上午, 上午]")
    assert f"stations.yaml:{line}: station 'county' lists the same slots twice" in problems(
        policies
    )


def test_bookings_without_services(policies: Path) -> None:
    edit(
        policies,
        "stations.yaml",
        "    services: [信息采集, 优待证, 光荣牌, 帮扶援助, 就业推荐]\n",
        "",
    )
    assert "station 'tongshi' takes bookings but lists no services" in problems(policies)


def test_an_empty_slot_name(policies: Path) -> None:
    line = edit(policies, "stations.yaml", "slots: [上午, 下午]", 'slots: [上午, ""]')
    assert f"stations.yaml:{line}: stations.0.slots" in problems(policies)


def test_choices_on_a_field_that_is_not_a_choice(policies: Path) -> None:
    edit(
        policies,
        "requests.yaml",
        "        type: text\n",
        "        type: text\n        choices: [{zh: 甲, en: A}, {zh: 乙, en: B}]\n",
    )
    assert "only choice fields have choices; this is a text" in problems(policies)


def test_a_date_range_on_a_field_that_is_not_a_date(policies: Path) -> None:
    edit(
        policies,
        "requests.yaml",
        "        type: phone\n",
        "        type: phone\n        date_range: past\n",
    )
    assert "only date fields have a date_range; this is a phone" in problems(policies)


def test_a_misspelt_date_range(policies: Path) -> None:
    edit(policies, "requests.yaml", "date_range: future", "date_range: later")
    assert "date_range: Input should be 'any', 'past' or 'future'" in problems(policies)


def test_routing_walks_up_from_the_users_station() -> None:
    kb: KnowledgeBase = load(DEFAULT_KB_DIR)
    assert [s.id for s in kb.chain("cenchuan_xinfu")] == ["cenchuan_xinfu", "cenchuan", "county"]
    assert [s.id for s in kb.chain(None)] == ["county"]
    assert [s.id for s in kb.chain("no_such_station")] == ["county"]
    assert kb.station_at("cenchuan_xinfu", "town").id == "cenchuan"
    assert kb.station_at("cenchuan_xinfu", "county").id == "county"
    assert kb.station_at("tongshi", "village").id == "tongshi"  # nearest known: their town
    assert kb.station_at(None, "town").id == "county"


def test_the_shipped_stations_book_half_days() -> None:
    kb = load(DEFAULT_KB_DIR)
    bookable = [s for s in kb.stations if s.takes_bookings]
    assert bookable and all(s.slots == ["上午", "下午"] for s in bookable)
    village = kb.station("cenchuan_xinfu")
    assert village is not None and not village.takes_bookings


# Townships whose station is not on record (issue #17): what would leave one unserved.
def test_contact_details_for_a_station_not_on_record(policies: Path) -> None:
    line = edit(
        policies,
        "stations.yaml",
        "    on_record: false\n    aliases: [安定]",
        '    on_record: false\n    phone: "1"',
    )
    assert (
        f"stations.yaml:{line}: station 'anding' is not on record but has phone; "
        "remove `on_record: false` once its station is in the directory"
    ) in problems(policies)


def test_the_county_centre_is_always_on_record(policies: Path) -> None:
    line = edit(
        policies,
        "stations.yaml",
        "    level: county\n",
        "    level: county\n    on_record: false\n",
    )
    assert f"stations.yaml:{line + 1}: the county station is always on record" in problems(policies)


def test_a_village_under_a_township_not_on_record(policies: Path) -> None:
    edit(policies, "stations.yaml", "    parent: cenchuan\n", "    parent: anding\n")
    assert "station 'cenchuan_xinfu' is under 'anding', which is not on record" in problems(
        policies
    )


def test_one_name_for_two_stations(policies: Path) -> None:
    edit(policies, "stations.yaml", "aliases: [三市]", "aliases: [三市, 安定]")
    assert "'安定' names both station 'anding' and 'sanshi'" in problems(policies)
