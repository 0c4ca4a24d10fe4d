"""Dates and times as wire copy writes them, resolved against the story's reference date.

"on Tuesday" in a future-tense clause is the next Tuesday on or after the reference date, in a
past-tense clause the last one on or before it; "April 14-15" is a range of days; "in July" stays
a month, never the 1st; "at 7:30 pm (1730 GMT)" is an exact venue-local time. A whole story is
searched with these patterns; `dateparser` is not used for the search because it resolves every
weekday in one direction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from domain.stories.model import Moment
from domain.vocabulary import Precision
from domain.zones import add_days, first_of_next_month

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_MONTH = r"(?P<{n}>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)"  # noqa: E501
_DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<{n}>(?:19|20)\d\d))?"
_WEEKDAY = r"(?P<{n}>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_TO = r"\s*(?:-|–|—|to|until|till|through|and)\s*"


def _p(template: str, **names: str) -> str:
    for key, name in names.items():
        template = template.replace("{" + key + "}", name)
    return template


_RELATIVE = (
    r"\b(?P<rel>today|tonight|tomorrow|yesterday|later (?:this|in the) week|this week(?:end)?|next week(?:end)?"
    r"|at the weekend|over the weekend|this weekend|(?:later |early |earlier )?(?:this|next|last) month"
    r"|next year|this year|last (?:week|year)|a year ago|(?:in|of) (?P<year>(?:19|20)\d\d))\b"
)
_MONTH_LEAD = r"\b(?:in|during|early|late|mid-?|later in|until|by|next|this|end of)\s+(?:early\s+|late\s+|mid-?)?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "June 30 to July 2", "April 14-15, 2025", "April 14 to 18"
    (
        "md_range",
        re.compile(
            _MONTH.format(n="m1")
            + r"\s+"
            + _DAY.format(n="d1")
            + _TO
            + r"(?:"
            + _MONTH.format(n="m2")
            + r"\s+)?"
            + _DAY.format(n="d2")
            + r"\b"
            + _YEAR.format(n="y")
        ),
    ),
    # "30 June to 2 July 2025", "14-15 April"
    (
        "dm_range",
        re.compile(
            r"\b"
            + _DAY.format(n="d1")
            + r"(?:\s+"
            + _MONTH.format(n="m1")
            + r")?"
            + _TO
            + _DAY.format(n="d2")
            + r"\s+"
            + _MONTH.format(n="m2")
            + _YEAR.format(n="y")
        ),
    ),
    (
        "md",
        re.compile(
            _MONTH.format(n="m1")
            + r"\s+"
            + _DAY.format(n="d1")
            + r"\b(?!\s*(?:%|per|billion|million))"
            + _YEAR.format(n="y")
        ),
    ),
    ("dm", re.compile(r"\b" + _DAY.format(n="d1") + r"\s+" + _MONTH.format(n="m1") + r"(?!\w)" + _YEAR.format(n="y"))),
    # "from Thursday to Sunday", "Saturday and Sunday"
    (
        "wd_range",
        re.compile(
            r"\b(?:from\s+)?"
            + _WEEKDAY.format(n="w1")
            + r"(?:\s+(?:morning|afternoon|evening))?"
            + _TO
            + _WEEKDAY.format(n="w2")
            + r"\b"
        ),
    ),
    ("wd", re.compile(r"\b" + _WEEKDAY.format(n="w1") + r"\b(?:\s+(?P<part>morning|afternoon|evening|night))?")),
    (
        "month_year",
        re.compile(
            r"\b(?:in|from|during|for|by|until|early|late|mid-?|the end of)?\s*"
            + _MONTH.format(n="m1")
            + r"(?:\s+(?P<y>(?:19|20)\d\d))\b"
        ),
    ),
    ("in_month", re.compile(_MONTH_LEAD + _MONTH.format(n="m1") + r"\b(?!\s+[0-3]?\d\b)")),
    ("relative", re.compile(_RELATIVE, re.I)),
]

_CLOCK = re.compile(
    r"\b(?:at\s+|from\s+|around\s+|about\s+)?(?P<h>[01]?\d|2[0-3])(?:[:.](?P<min>[0-5]\d))?\s*(?P<ampm>a\.m\.|p\.m\.|am\b|pm\b)"
    r"|\b(?:at\s+|from\s+)(?P<h24>[01]\d|2[0-3])[:.](?P<min24>[0-5]\d)\b"
    r"|\b(?P<noon>noon|midday)\b"
    r"|^\s*(?P<hl>[01]?\d|2[0-3])[:.](?P<minl>[0-5]\d)\b",
    re.I,
)
_GMT = re.compile(r"\(?\b(?P<h>[01]\d|2[0-3])[:.]?(?P<min>[0-5]\d)\s*(?:GMT|UTC)\b\)?")
_LOCAL_MARK = re.compile(r"local time|\b[A-Z]{2,4}T\b")


@dataclass(frozen=True)
class TimeExpr:
    """A date (or range) found in a sentence, resolved; `kind` says which pattern found it."""

    kind: str
    start: Moment
    end: Moment | None
    span: tuple[int, int]
    # True when the story dates it before its own news cycle ("last year", "in 2022").
    historical: bool = False


@dataclass(frozen=True)
class ClockTime:
    hour: int
    minute: int
    utc: bool
    span: tuple[int, int]


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _nearest_year(month: int, day: int, reference: date, future: bool | None) -> date | None:
    """The date with that month and day nearest the reference, leaning forward for future
    clauses and back for past ones."""
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None

    def distance(d: date) -> float:
        delta = (d - reference).days
        if future is True and delta < -7:
            return abs(delta) + 200
        if future is False and delta > 7:
            return abs(delta) + 200
        return abs(delta)

    return min(candidates, key=distance)


def _weekday(name: str, reference: date, future: bool | None) -> date:
    target = WEEKDAYS[name.lower()]
    ahead = (target - reference.weekday()) % 7
    if future is False:
        return add_days(reference, -((reference.weekday() - target) % 7))
    return add_days(reference, ahead)


def _month_start(month: int, reference: date, future: bool | None, year: int | None = None) -> date:
    if year is not None:
        return date(year, month, 1)
    this_year = date(reference.year, month, 1)
    if future is not False and month < reference.month - 1:
        return date(reference.year + 1, month, 1)
    if future is False and month > reference.month:
        return date(reference.year - 1, month, 1)
    return this_year


def _day_moment(day: date) -> Moment:
    return Moment(day, Precision.DAY)


def _month_moment(day: date) -> Moment:
    return Moment(day.replace(day=1), Precision.MONTH)


def find_dates(sentence: str, reference: date, *, future: bool | None) -> list[TimeExpr]:
    """Every date expression in `sentence`, longest first where they overlap, in text order."""
    found: list[TimeExpr] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            expr = _resolve(kind, match, reference, future)
            if expr is None:
                continue
            if re.match(r"\s*(?:last year|a year ago|of last year)", sentence[span[1] :], re.I):
                expr = replace(expr, historical=True)  # "in May last year"
            found.append(expr)
            taken.append(span)
    return sorted(found, key=lambda e: e.span)


def _resolve(kind: str, m: re.Match[str], reference: date, future: bool | None) -> TimeExpr | None:
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else None
    try:
        if kind in ("md_range", "dm_range"):
            m2 = _month(g["m2"]) if g.get("m2") else None
            m1 = _month(g["m1"]) if g.get("m1") else m2
            if m1 is None or m2 is None and kind == "md_range" and g.get("m2") is None:
                m2 = m1
            assert m1 is not None and m2 is not None
            first = date(year, m1, int(g["d1"])) if year else _nearest_year(m1, int(g["d1"]), reference, future)
            if first is None:
                return None
            last = date(first.year + (1 if m2 < m1 else 0), m2, int(g["d2"]))
            if last < first or (last - first).days > 62:
                return None
            return TimeExpr(kind, _day_moment(first), _day_moment(last), m.span(), _past(first, reference, year))
        if kind in ("md", "dm"):
            if g["m1"] == "May" and not re.match(r"May\s+[0-3]?\d\b", m.group(0).strip()) and kind == "md":
                return None
            day = (
                date(year, _month(g["m1"]), int(g["d1"]))
                if year
                else _nearest_year(_month(g["m1"]), int(g["d1"]), reference, future)
            )
            if day is None:
                return None
            return TimeExpr(kind, _day_moment(day), None, m.span(), _past(day, reference, year))
        if kind == "wd_range":
            first = _weekday(g["w1"], reference, future)
            last = add_days(first, (WEEKDAYS[g["w2"].lower()] - WEEKDAYS[g["w1"].lower()]) % 7)
            return TimeExpr(kind, _day_moment(first), _day_moment(last), m.span())
        if kind == "wd":
            return TimeExpr(kind, _day_moment(_weekday(g["w1"], reference, future)), None, m.span())
        if kind in ("month_year", "in_month"):
            if (
                g["m1"] in ("May", "MAY")
                and kind == "in_month"
                and not m.group(0)
                .lower()
                .startswith(("in", "during", "early", "late", "mid", "next", "this", "end", "by", "until"))
            ):
                return None
            text = m.group(0).lower()
            month = _month(g["m1"])
            if text.startswith("next "):
                start = _month_start(month, reference, True)
            else:
                start = _month_start(month, reference, future, year)
            historical = (
                (year is not None and year < reference.year)
                or (start.year, start.month) < (reference.year, reference.month)
                and future is not True
            )
            return TimeExpr(kind, _month_moment(start), None, m.span(), historical)
        if kind == "relative":
            return _relative(m, reference)
    except (ValueError, KeyError):
        return None
    return None


def _past(day: date, reference: date, year: int | None) -> bool:
    # A date well before the story's own cycle is a reference to history, not news.
    return (reference - day).days > 10 or (year is not None and year < reference.year)


def _relative(m: re.Match[str], reference: date) -> TimeExpr | None:
    rel = m.group("rel").lower()
    span = m.span()
    monday = add_days(reference, -reference.weekday())
    if rel in ("today", "tonight"):
        return TimeExpr("relative", _day_moment(reference), None, span)
    if rel == "tomorrow":
        return TimeExpr("relative", _day_moment(add_days(reference, 1)), None, span)
    if rel == "yesterday":
        return TimeExpr("relative", _day_moment(add_days(reference, -1)), None, span)
    if rel in ("this week", "later this week", "later in the week"):
        first = add_days(reference, 1) if rel.startswith("later") else reference
        return TimeExpr("relative", _day_moment(first), _day_moment(add_days(monday, 6)), span)
    if rel == "next week":
        return TimeExpr("relative", _day_moment(add_days(monday, 7)), _day_moment(add_days(monday, 13)), span)
    if rel in ("this weekend", "at the weekend", "over the weekend"):
        saturday = add_days(monday, 5)
        return TimeExpr("relative", _day_moment(saturday), _day_moment(add_days(saturday, 1)), span)
    if rel == "next weekend":
        saturday = add_days(monday, 12)
        return TimeExpr("relative", _day_moment(saturday), _day_moment(add_days(saturday, 1)), span)
    if rel.endswith("next month"):
        following = first_of_next_month(reference)
        return TimeExpr("relative", _month_moment(following), None, span)
    if rel.endswith("this month"):
        return TimeExpr("relative", _month_moment(reference), None, span)
    if rel in ("last week", "last month", "last year", "a year ago") or rel.endswith("last month"):
        return TimeExpr("relative", _day_moment(reference), None, span, historical=True)
    if m.group("year"):
        year = int(m.group("year"))
        return TimeExpr(
            "relative", Moment(date(year, 1, 1), Precision.MONTH), None, span, historical=year < reference.year
        )
    return None


def find_clock(sentence: str) -> ClockTime | None:
    """The time of day the sentence gives: the venue's own clock when it says it, else a GMT time
    (to be placed in the venue's zone once the place is known)."""
    local = None
    for match in _CLOCK.finditer(sentence):
        if match.group("noon"):
            local = ClockTime(12, 0, False, match.span())
        elif match.group("hl"):
            local = ClockTime(int(match.group("hl")), int(match.group("minl")), False, match.span())
        elif match.group("h24"):
            local = ClockTime(int(match.group("h24")), int(match.group("min24")), False, match.span())
        else:
            hour = int(match.group("h")) % 12
            if match.group("ampm").lower().startswith("p"):
                hour += 12
            local = ClockTime(hour, int(match.group("min") or 0), False, match.span())
        break
    if local is not None:
        return local
    gmt = _GMT.search(sentence)
    if gmt is not None:
        return ClockTime(int(gmt.group("h")), int(gmt.group("min")), True, gmt.span())
    return None


def dateline_date(text: str, fallback: date) -> date | None:
    found = dateline(text, fallback)
    return found[0] if found else None


def dateline(text: str, fallback: date) -> tuple[date, tuple[int, int]] | None:
    """The date a dateline or a media note's date line gives ("BRUSSELS, April 6 (Reuters) -",
    "June 1, 2027", "23 Jun. 2025"), with its year taken from `fallback` when it has none."""
    head = text[:400]
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    # A date alone on one of the first lines: a media note or a press release.
    for line in lines[:6]:
        if len(line) <= 40:
            for kind in ("md", "dm"):
                pattern = dict(_PATTERNS)[kind]
                match = pattern.fullmatch(line.strip(" |").rstrip("."))
                if match and match.group("y"):
                    found = date(int(match.group("y")), _month(match.group("m1")), int(match.group("d1")))
                    start = text.index(line)
                    return found, (start, start + len(line))
    first = lines[0] if lines else ""
    place = r"^(?:\(\w+\)\s*-\s*)?[A-Z][A-Za-z .'’-]+(?:,\s*[A-Z][A-Za-z .'’-]+)*?,?\s+"
    matched = re.match(
        place + _MONTH.format(n="m1") + r"\s+" + _DAY.format(n="d1") + _YEAR.format(n="y") + r"\b", first
    )
    if matched is None:
        return None
    month, day = _month(matched.group("m1")), int(matched.group("d1"))
    span = (text.index(first) + matched.start("m1"), text.index(first) + matched.end())
    if matched.group("y"):
        return date(int(matched.group("y")), month, day), span
    nearest = _nearest_year(month, day, fallback, None)
    return (nearest, span) if nearest else None
