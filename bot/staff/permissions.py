"""Who may see and do what in the staff console.

Every staff member sees the queue of their own station and of the stations below it (a town's
staff see its villages; the county centre's see everything); admins see all stations. Beyond
seeing:

    staff         claim, reply, transfer, resolve, reopen, reveal personal data (audited)
    station_head  the same, and take over a ticket another member claimed; the audit log of
                  their stations
    admin         all stations, the audit log, the staff list

A ticket, request or booking outside what a member sees does not exist for them: every such
lookup answers 404, never 403, so its existence does not leak either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.errors import NotVisible
from bot.staff.routing import subtree
from policies.loader import KnowledgeBase
from storage.repositories.staff import StaffAccount

Found = TypeVar("Found")


def visible_stations(kb: KnowledgeBase, staff: StaffAccount) -> frozenset[str] | None:
    """The station ids `staff` sees; None means all (an admin)."""
    if staff.role == "admin":
        return None
    return subtree(kb, staff.station_id)


def sees(kb: KnowledgeBase, staff: StaffAccount, station_id: str) -> bool:
    stations = visible_stations(kb, staff)
    return stations is None or station_id in stations


def seen_by(
    kb: KnowledgeBase,
    staff: StaffAccount,
    found: Found | None,
    station_of: Callable[[Found], str],
    what: str,
) -> Found:
    """`found` if `staff` sees the station it is at; `NotVisible` (a 404) when it is missing or
    out of sight alike, so that its existence does not leak."""
    if found is None or not sees(kb, staff, station_of(found)):
        raise NotVisible(what)
    return found


def may_take_over(staff: StaffAccount) -> bool:
    return staff.role in ("station_head", "admin")


def may_read_audit(staff: StaffAccount) -> bool:
    return staff.role in ("station_head", "admin")


def may_see_kb(staff: StaffAccount) -> bool:
    """The knowledge-base page: admins edit; station heads read their stations' figures."""
    return staff.role in ("station_head", "admin")


def may_edit_kb(staff: StaffAccount) -> bool:
    return staff.role == "admin"


def may_see_unanswered(staff: StaffAccount) -> bool:
    """The unanswered inbox: admins act on it; station heads read their stations' clusters."""
    return may_see_kb(staff)


def may_see_reports(staff: StaffAccount) -> bool:
    """The bureau's reports: admins for every station, station heads for their own."""
    return staff.role in ("station_head", "admin")


def may_manage_privacy(staff: StaffAccount) -> bool:
    """Export or erase a person's data (个人信息保护法): the county bureau's admins only."""
    return staff.role == "admin"
