"""The bureau's reports: which knowledge-base entry each question got, and indexes on the
times the monthly figures are counted by.

`messages.entry_id` is set on a user's message the bot answered from the knowledge base
(the "top topics" of a report); the other columns a report reads were already kept.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    # Covering: a report reads a period's messages from the index alone (SQLite too).
    (
        "ix_messages_report",
        "messages",
        ["created_at", "direction", "outcome", "conversation_id", "entry_id"],
    ),
    ("ix_requests_created_at", "requests", ["created_at"]),
    ("ix_tickets_created_at", "tickets", ["created_at"]),
    ("ix_audit_log_action_at", "audit_log", ["action", "at"]),
)


def upgrade() -> None:
    with op.batch_alter_table("messages") as table:
        table.add_column(sa.Column("entry_id", sa.String(length=128), nullable=True))
    for name, table_name, columns in INDEXES:
        op.create_index(name, table_name, columns)


def downgrade() -> None:
    for name, table_name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table_name)
    with op.batch_alter_table("messages") as table:
        table.drop_column("entry_id")
