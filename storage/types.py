"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An instant in UTC: aware datetimes in, aware UTC datetimes out.

    PostgreSQL keeps it as timestamptz. SQLite has no time-zone type and would silently drop the
    offset, so there the value is stored as naive UTC and the zone is restored on the way out.
    Naive datetimes are refused: they are how wrong reminder times get into a schedule.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store instants with a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class StrEnumType(TypeDecorator):
    """A StrEnum kept as its plain string value, read back as the enum member.

    Plain VARCHAR rather than a database enum, so that adding a kind or status never needs
    an ALTER TYPE on PostgreSQL.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum], length: int):
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)
