"""Every table, one module per area. Import from here so Alembic sees the whole schema.

Later areas (requests, bookings, tickets) add a module each and a line below.
"""

from __future__ import annotations

from storage.models.alerts import AlertMark, StaffTelegram, StaffTelegramCode
from storage.models.base import Base
from storage.models.bookings import Booking, BookingSlot
from storage.models.conversations import Conversation, DedupeKey, LoggedMessage
from storage.models.feedback import AnswerFeedback, Unanswered
from storage.models.filed_for import FiledFor
from storage.models.limits import RateCount
from storage.models.links import LinkAttempts, LinkCode
from storage.models.nonces import WebhookNonce
from storage.models.outbox import OutboxMessage
from storage.models.privacy import ErasureRequest, KeyRotation
from storage.models.requests import Counter, RequestEvent, ServiceRequest
from storage.models.staff import AuditEntry, StaffMember, StaffSession
from storage.models.tickets import Ticket
from storage.models.users import Identity, User

__all__ = [
    "AlertMark",
    "AnswerFeedback",
    "AuditEntry",
    "Base",
    "Booking",
    "BookingSlot",
    "Conversation",
    "Counter",
    "DedupeKey",
    "ErasureRequest",
    "FiledFor",
    "Identity",
    "KeyRotation",
    "LinkAttempts",
    "LinkCode",
    "LoggedMessage",
    "OutboxMessage",
    "RateCount",
    "RequestEvent",
    "ServiceRequest",
    "StaffMember",
    "StaffSession",
    "StaffTelegram",
    "StaffTelegramCode",
    "Ticket",
    "Unanswered",
    "User",
    "WebhookNonce",
]
