"""Every township of the county is in the directory (issue #17: "安定镇" was refused, only five
towns were known), typed with or without 镇 / 乡 / 街道; one whose station is not on record is
served by the county centre. The edits that would leave one unserved: test_directory.py."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_KB_DIR
from bot.flows.request.fields import find_station
from bot.staff.routing import route
from policies.loader import KnowledgeBase, load

# Pingjiang's 2 街道, 18 镇 and 5 乡 at the end of 2023 (the source cited in stations.yaml).
TOWNSHIPS = [
    "汉昌街道",
    "天岳街道",
    "安定镇",
    "三市镇",
    "加义镇",
    "长寿镇",
    "龙门镇",
    "虹桥镇",
    "南江镇",
    "梅仙镇",
    "浯口镇",
    "瓮江镇",
    "伍市镇",
    "向家镇",
    "童市镇",
    "岑川镇",
    "福寿山镇",
    "上塔市镇",
    "石牛寨镇",
    "余坪镇",
    "三阳乡",
    "木金乡",
    "板江乡",
    "大洲乡",
    "三墩乡",
]
SUFFIXES = ("街道", "镇", "乡")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(DEFAULT_KB_DIR)


def bare(name: str) -> str:
    return next(name.removesuffix(s) for s in SUFFIXES if name.endswith(s))


def test_every_township_is_a_town_under_the_county(kb: KnowledgeBase) -> None:
    towns = [s for s in kb.stations if s.level == "town"]
    assert len(towns) == len(TOWNSHIPS) == 25
    assert all(s.parent == "county" for s in towns)
    for township in TOWNSHIPS:
        found = find_station(kb, township, county=False)
        assert found is not None and found.level == "town", township


@pytest.mark.parametrize("township", TOWNSHIPS)
def test_a_township_is_understood_with_or_without_its_suffix(
    kb: KnowledgeBase, township: str
) -> None:
    station = find_station(kb, township)
    assert station is not None
    assert find_station(kb, bare(township)) == station
    assert find_station(kb, f"我住在平江县{township}") == station  # the county named too


def test_anding_is_served_by_the_county_centre(kb: KnowledgeBase) -> None:
    anding = find_station(kb, "安定镇")
    assert anding is not None and anding.id == "anding" and not anding.on_record
    assert (anding.address, anding.phone, anding.hours) == ("", "", "")
    assert kb.serving("anding").id == "county"
    assert kb.station_at("anding", "town").id == "county"
    assert route(kb, "anding", "town").id == "county"
    assert route(kb, "anding", "village").id == "county"
    assert not anding.takes_bookings


def test_a_town_on_record_keeps_its_own_station(kb: KnowledgeBase) -> None:
    assert kb.serving("tongshi").id == "tongshi"
    assert kb.station_at("tongshi", "town").id == "tongshi"
    assert route(kb, "tongshi", "town").id == "tongshi"
    assert kb.station_at("cenchuan_xinfu", "town").id == "cenchuan"


def test_a_village_named_with_its_town_is_the_village(kb: KnowledgeBase) -> None:
    found = find_station(kb, "岑川镇新福村")
    assert found is not None and found.id == "cenchuan_xinfu"
