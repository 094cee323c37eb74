"""Link codes: issue one, find a live one by its hash, claim it for the issuer's yes, use it
up; and count wrong guesses, per conversation and against every live code.

The codes arrive here already hashed: what the hash is keyed with is the application's secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LinkAttempts, LinkCode
from storage.repositories.upsert import insert_ignoring_conflict

FORGET_ATTEMPTS = timedelta(days=1)  # wrong guesses this old (and not locking) are dropped


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """A live code: whose record it joins, the conversation that asked for it, and the one
    that typed it and waits for that side's yes, if any."""

    user_id: int
    conversation_id: int
    claimed_by: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A live code typed on another channel, waiting for its issuer's yes or no."""

    code_hash: str
    user_id: int  # the issuer's: the user the claimant joins
    claimed_by: int  # the conversation that typed the code


class LinkCodes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue(
        self,
        code_hash: str,
        user_id: int,
        conversation_id: int,
        expires_at: datetime,
        now: datetime,
    ) -> bool:
        """Store a new code for `user_id`, replacing any it had; False when `code_hash` is
        another user's live code (two codes at once among a million: ask for another).

        Expired codes and stale guess counts go here too, so neither table only ever grows.
        """
        await self.session.execute(
            delete(LinkCode).where(or_(LinkCode.user_id == user_id, LinkCode.expires_at <= now))
        )
        await self.session.execute(
            delete(LinkAttempts).where(
                LinkAttempts.updated_at <= now - FORGET_ATTEMPTS,
                or_(LinkAttempts.locked_until.is_(None), LinkAttempts.locked_until <= now),
            )
        )
        return await insert_ignoring_conflict(
            self.session,
            LinkCode,
            {
                "code_hash": code_hash,
                "user_id": user_id,
                "conversation_id": conversation_id,
                "created_at": now,
                "expires_at": expires_at,
            },
            ["code_hash"],
        )

    async def find(self, code_hash: str, now: datetime) -> IssuedCode | None:
        """The live code with this hash, if any. Not locked: `use` decides who gets it."""
        row = (
            await self.session.execute(
                select(LinkCode.user_id, LinkCode.conversation_id, LinkCode.claimed_by).where(
                    LinkCode.code_hash == code_hash, LinkCode.expires_at > now
                )
            )
        ).first()
        return None if row is None else IssuedCode(*row)

    async def claim(self, code_hash: str, conversation_id: int, now: datetime) -> bool:
        """Mark the live code as typed by `conversation_id`, to wait for its issuer's yes; False
        when it is gone or another conversation typed it first."""
        result = await self.session.execute(
            update(LinkCode)
            .where(
                LinkCode.code_hash == code_hash,
                LinkCode.expires_at > now,
                or_(LinkCode.claimed_by.is_(None), LinkCode.claimed_by == conversation_id),
            )
            .values(claimed_by=conversation_id)
        )
        return bool(getattr(result, "rowcount", 0))

    async def claim_of(self, issuer_conversation_id: int, now: datetime) -> Claim | None:
        """The claim waiting for this conversation's answer: on the live code it asked for."""
        row = (
            await self.session.execute(
                select(LinkCode.code_hash, LinkCode.user_id, LinkCode.claimed_by).where(
                    LinkCode.conversation_id == issuer_conversation_id,
                    LinkCode.expires_at > now,
                    LinkCode.claimed_by.is_not(None),
                )
            )
        ).first()
        if row is None or row[2] is None:
            return None
        return Claim(row[0], row[1], row[2])

    async def drop(self, code_hash: str) -> None:
        """The code dies (refused by its issuer, or typed in two places)."""
        await self.session.execute(delete(LinkCode).where(LinkCode.code_hash == code_hash))

    async def wrong_guess(self, now: datetime, *, limit: int) -> None:
        """A wrong code was typed somewhere: one guess less for every live code, and a code
        that has had `limit` guesses against it dies. Not knowing which code a guesser aims at,
        each counts against all: so whoever guesses gets `limit` tries at a code in all, however
        many conversations and clients they use."""
        live = LinkCode.expires_at > now
        await self.session.execute(update(LinkCode).where(live).values(wrong=LinkCode.wrong + 1))
        await self.session.execute(delete(LinkCode).where(LinkCode.wrong >= limit))

    async def use(self, code_hash: str, user_id: int, now: datetime) -> bool:
        """Use the code up; False when it is gone (used by someone else, expired, or replaced).

        The DELETE is the single-use guarantee: of two turns typing the same code at once,
        exactly one deletes the row.
        """
        result = await self.session.execute(
            delete(LinkCode).where(
                LinkCode.code_hash == code_hash,
                LinkCode.user_id == user_id,
                LinkCode.expires_at > now,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def forget_user(self, user_id: int) -> None:
        """Drop a user's codes (the user is being merged into another)."""
        await self.session.execute(delete(LinkCode).where(LinkCode.user_id == user_id))

    async def locked_until(self, conversation_id: int, now: datetime) -> datetime | None:
        """When this conversation may try codes again, if it is locked out now."""
        until = await self.session.scalar(
            select(LinkAttempts.locked_until).where(LinkAttempts.conversation_id == conversation_id)
        )
        return until if until is not None and until > now else None

    async def failed(
        self, conversation_id: int, *, limit: int, lock_until: datetime, now: datetime
    ) -> bool:
        """Count a wrong code; True when this one locks the conversation out until `lock_until`.

        The conversation's row is already locked by its turn, so two guesses in one
        conversation cannot race; the insert only meets a conflict from its own earlier row.
        """
        await insert_ignoring_conflict(
            self.session,
            LinkAttempts,
            {"conversation_id": conversation_id, "failures": 0, "updated_at": now},
            ["conversation_id"],
        )
        row = await self.session.get(LinkAttempts, conversation_id, populate_existing=True)
        assert row is not None, "link attempts row vanished right after it was inserted"
        row.failures += 1
        row.updated_at = now
        locked = row.failures >= limit
        if locked:  # the count starts again once the lockout is served
            row.failures, row.locked_until = 0, lock_until
        await self.session.flush()
        return locked

    async def succeeded(self, conversation_id: int) -> None:
        await self.session.execute(
            delete(LinkAttempts).where(LinkAttempts.conversation_id == conversation_id)
        )
