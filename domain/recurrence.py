"""Bounding the work of a recurrence rule before it is expanded.

The rule library (dateutil) computes a rule period by period from its start, and looks for a
match until the year 9999: a FREQ=SECONDLY rule from years ago, or one no date can match (30
February, a sixth Monday, INTERVAL=0), would hold a sync for minutes or for ever. Each rule is
therefore checked and given an UNTIL that keeps its work within a budget of periods.
"""

from __future__ import annotations

from calendar import isleap, monthrange
from datetime import UTC, date, datetime, time, timedelta

import icalendar

from domain.zones import add_days, elapsed, later

MAX_RECURRENCE_STEPS = 50_000
MAX_RECURRENCE_STEPS_PER_FILE = 500_000
# A period of each frequency, at least as long as the real one, to count periods from a start.
_PERIODS = {
    "SECONDLY": timedelta(seconds=1),
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
    "MONTHLY": timedelta(days=28),
    "YEARLY": timedelta(days=365),
}
_RANGES = (("BYSECOND", 0, 60), ("BYMINUTE", 0, 59), ("BYHOUR", 0, 23), ("BYMONTH", 1, 12), ("BYMONTHDAY", 1, 31))
_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_EXPANDING = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH")


class RuleRefused(ValueError):
    """The series cannot be expanded; the message says why."""


def bound_rules(component: icalendar.Component, start: datetime, end: datetime, budget: int) -> tuple[int, list[str]]:
    """Make each RRULE of `component` end by `end`, sooner when computing it up to `end` would
    take more than MAX_RECURRENCE_STEPS periods (or what is left of the file's `budget`).
    Returns the periods it may take and where a rule was cut short."""
    rules = component.get("RRULE")
    if rules is None:
        return 0, []
    first = component.decoded("DTSTART", None)
    if first is None:
        raise RuleRefused("it has no DTSTART")
    if isinstance(first, list):
        first = first[0]
    taken, cuts = 0, []
    for rule in rules if isinstance(rules, list) else [rules]:
        scale = str((rule.get("RSCALE") or ["GREGORIAN"])[0]).upper()
        if scale != "GREGORIAN":
            raise RuleRefused(f"its RRULE counts in another calendar than the Gregorian (RSCALE={scale})")
        # RFC 7529's parts, which dateutil does not know; SKIP=OMIT is what it does anyway.
        for name in ("RSCALE", "SKIP"):
            rule.pop(name, None)
        frequency = str((rule.get("FREQ") or [""])[0]).upper()
        if frequency not in _PERIODS:
            raise ValueError(f"RRULE FREQ {frequency!r} is not a frequency")
        for name, low, high in _RANGES:
            wrong = [value for value in rule.get(name) or [] if not low <= abs(int(value)) <= high]
            if wrong:
                raise RuleRefused(f"its RRULE has {name}={wrong[0]}")
        if never_happens(rule, frequency):
            raise RuleRefused("its RRULE matches no date at all")
        interval = int((rule.get("INTERVAL") or [1])[0])
        if interval < 1:
            raise RuleRefused(f"its RRULE has INTERVAL={interval}: it would never move on")
        remaining = min(MAX_RECURRENCE_STEPS, budget - taken)
        if remaining <= 0:
            limit = f"{MAX_RECURRENCE_STEPS_PER_FILE:,}"
            raise RuleRefused(f"not expanded: the file's limit of {limit} repetitions computed was reached")
        count = int((rule.get("COUNT") or [0])[0])
        if 0 < count <= remaining:
            # Its COUNT bounds the work: dateutil stops at the last occurrence.
            taken += count
            continue
        period = _PERIODS[frequency] * interval
        expansion = 1
        for name in _EXPANDING:
            expansion *= max(1, len(rule.get(name) or []))
        allowed = remaining // expansion
        needed = elapsed(_approximate_instant(first), end) / period
        until = end
        if needed > allowed:
            until = later(_approximate_instant(first), period * allowed)
            if until < start:
                raise RuleRefused(f"it repeats too often (FREQ={frequency}) for too long to be expanded")
            cuts.append(f"it repeats too often (FREQ={frequency}): expanded only until {until:%Y-%m-%d %H:%M} UTC")
        taken += max(0, int(min(needed, allowed))) * expansion
        declared = rule.get("UNTIL")
        if not declared or _approximate_instant(declared[0]) > until:
            # With a COUNT too (RFC 5545 allows one or the other, dateutil both, with a
            # DeprecationWarning): the first of the two ends the rule.
            rule["UNTIL"] = [_like(first, until)]
    return taken, cuts


def never_happens(rule: icalendar.prop.vRecur, frequency: str) -> bool:
    """Whether no day can ever match `rule`'s BYMONTH, BYMONTHDAY, BYYEARDAY and BYDAY, or its
    BYSETPOS picks past the end of what a period holds. dateutil looks for the next match until
    the year 9999 one period at a time (minutes of work for FREQ=SECONDLY), and stops at UNTIL
    or COUNT only on a match. Yearly rules are left to dateutil: there are few years until 9999."""
    months = {int(m) for m in rule.get("BYMONTH") or []}
    month_days = {int(d) for d in rule.get("BYMONTHDAY") or []}
    year_days = {int(d) for d in rule.get("BYYEARDAY") or []}
    weekdays = {_WEEKDAYS.get(str(d)[-2:].upper(), -1) for d in rule.get("BYDAY") or []}
    if months or month_days or year_days or weekdays:
        # 2000-2027: every date of the year (29 February too) on every weekday.
        day, last = date(2000, 1, 1), date(2027, 12, 31)
        while day <= last:
            length = monthrange(day.year, day.month)[1]
            year_length = 366 if isleap(day.year) else 365
            yearday = day.timetuple().tm_yday
            if (
                (not months or day.month in months)
                and (not month_days or day.day in month_days or day.day - length - 1 in month_days)
                and (not year_days or yearday in year_days or yearday - year_length - 1 in year_days)
                and (not weekdays or day.weekday() in weekdays)
            ):
                break
            day = add_days(day, 1)
        else:
            return True
    days = [str(d).upper() for d in rule.get("BYDAY") or []]
    ordinals = [abs(int(d[:-2])) for d in days if d[:-2].lstrip("+-").isdigit()]
    if frequency == "MONTHLY" and any(n > 5 for n in ordinals):
        return True  # no month has a sixth Monday; dateutil would look for one month by month
    positions = [abs(int(p)) for p in rule.get("BYSETPOS") or []]
    if positions and frequency != "YEARLY":
        # How many times a period can hold at most, which BYSETPOS picks from.
        times = 1
        for name in {"SECONDLY": (), "MINUTELY": ("BYSECOND",), "HOURLY": ("BYSECOND", "BYMINUTE")}.get(
            frequency, ("BYSECOND", "BYMINUTE", "BYHOUR")
        ):
            times *= max(1, len(rule.get(name) or []))
        in_period = {"WEEKLY": 7, "MONTHLY": 31}.get(frequency, 1)
        if days and frequency in ("WEEKLY", "MONTHLY"):
            weeks = 1 if frequency == "WEEKLY" else 5
            in_period = min(in_period, len(ordinals) + weeks * (len(days) - len(ordinals)))
        if month_days and frequency == "MONTHLY":
            in_period = min(in_period, len(month_days))
        if not days and not month_days and frequency in ("WEEKLY", "MONTHLY"):
            in_period = 1  # the weekday or day of the month of DTSTART
        return max(positions) > in_period * times
    return False


def _approximate_instant(value: date | datetime) -> datetime:
    """An instant within a day of `value`, for bounding work rather than placing events."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0, 0), UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _like(first: date | datetime, instant: datetime) -> date | datetime:
    """`instant` as an UNTIL for a rule starting at `first`: RFC 5545 wants the same type."""
    if not isinstance(first, datetime):
        return instant.date()
    if first.tzinfo is None:
        return instant.replace(tzinfo=None)
    return instant
