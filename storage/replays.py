"""Keys of requests that have had their effect: the first to record a key wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import HandledRequest


def remember(session: Session, *, key: str, now: datetime, event_id: int | None = None) -> bool:
    """Record `key`; False if it was already there (or another transaction recorded it first)."""
    try:
        with session.begin_nested():
            session.add(HandledRequest(key=key, handled_at=now, event_id=event_id))
        return True
    except IntegrityError:
        return False


def recall(session: Session, *, key: str) -> HandledRequest | None:
    return session.get(HandledRequest, key)


def forget_before(session: Session, *, cutoff: datetime) -> int:
    result = session.execute(delete(HandledRequest).where(HandledRequest.handled_at < cutoff))
    return result.rowcount
