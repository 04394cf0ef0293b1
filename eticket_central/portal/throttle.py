"""Portal logins throttled per login and per client address, in PostgreSQL (any instance
answers alike): every attempt is written before its password is checked, marked failed when
it was wrong, and deleted with the login's earlier failures when it was right. A login counts
its attempts still being checked too (a burst of guesses in parallel is counted whole); an
address counts only its failures (many parents behind one address logging in at once are
not refused). When the window already holds as many as allowed, the attempt is refused at
once (429, « Trop de tentatives… » and a Retry-After header) without hashing anything, even
with the right password."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import HTTPException
from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from eticket_central.models import LoginAttempt


@dataclass(frozen=True)
class Throttle:
    per_login: int
    per_address: int
    window: timedelta

    @classmethod
    def of(cls, settings) -> Throttle:
        """The throttle the server's settings (app.Settings) describe."""
        return cls(
            settings.login_failures_per_login,
            settings.login_failures_per_address,
            timedelta(minutes=settings.login_window_minutes),
        )


def too_many(wait: timedelta) -> HTTPException:
    seconds = max(1, math.ceil(wait.total_seconds()))
    minutes = math.ceil(seconds / 60)
    return HTTPException(
        429,
        "Trop de tentatives de connexion : réessayez dans "
        f"{minutes} minute{'s' if minutes > 1 else ''}.",
        headers={"Retry-After": str(seconds)},
    )


def record_attempt(
    session: Session,
    throttle: Throttle,
    tenant_id: uuid.UUID,
    login: str,
    address: str,
    now: datetime,
) -> int:
    """Writes the attempt (its id), or raises 429 when the login or the address is
    throttled."""
    since = now - throttle.window
    # Two attempts on one login at once are counted one after the other.
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"{tenant_id}:{login}"))))
    session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= since))
    for whose, limit in (
        (
            and_(LoginAttempt.tenant_id == tenant_id, LoginAttempt.login == login),
            throttle.per_login,
        ),
        (and_(LoginAttempt.address == address, LoginAttempt.failed), throttle.per_address),
    ):
        times = (
            session.execute(
                select(LoginAttempt.attempted_at)
                .where(whose, LoginAttempt.attempted_at > since)
                .order_by(LoginAttempt.attempted_at)
            )
            .scalars()
            .all()
        )
        if len(times) >= limit:
            # Free again when enough of them have left the window.
            raise too_many(times[len(times) - limit] + throttle.window - now)
    return session.execute(
        insert(LoginAttempt)
        .values(tenant_id=tenant_id, login=login, address=address, attempted_at=now, failed=False)
        .returning(LoginAttempt.id)
    ).scalar_one()


def mark_failed(session: Session, attempt_id: int) -> None:
    session.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(failed=True))


def forget_failures(session: Session, tenant_id: uuid.UUID, login: str) -> None:
    """The right password: the login's attempts are no longer failures."""
    session.execute(
        delete(LoginAttempt).where(LoginAttempt.tenant_id == tenant_id, LoginAttempt.login == login)
    )
