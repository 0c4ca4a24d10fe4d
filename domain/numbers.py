"""Numbers read from what a Slack client sends: ids, versions, page offsets, lead times.

A client may send anything. `str.isdigit` accepts "²" and "٣", which `int` then refuses or
reads; `int` accepts "+1", " 1", "1_000" and floats' digits; a page offset of 1e30 overflows
SQLite and an id past 2**31 PostgreSQL's integer columns. A number is therefore at most nine
ASCII digits, within a bound the caller gives, and anything else reads as no number at all.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,9}")
# Ids and versions are PostgreSQL integers; nine digits stay below 2**31 - 1 anyway.
MAX_ID = 999_999_999


def parse_count(value: object, *, maximum: int = MAX_ID) -> int | None:
    """`value` as a whole number from 0 to `maximum`, or None.

    Takes a string of ASCII digits, or an int as JSON gives it (not a bool, not a float: JSON's
    1e30, Infinity and NaN read as floats).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 0 <= number <= maximum else None
