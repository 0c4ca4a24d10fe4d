"""Search text: accent- and case-insensitive terms, and "did you mean" suggestions.

An event is indexed as the set of folded words of its title, participants, places, trip and
notes. A query matches an event when every query word is the start of one of its terms, so
`sejourne`, `Séjourné` and `séj` all find Stéphane Séjourné.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from anyascii import anyascii
from rapidfuzz import fuzz, process

_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_QUERY_WORDS = 8
MAX_TERM_LENGTH = 64


def fold(text: str) -> str:
    """Lower-case ASCII transliteration with single spaces: "Stéphane  Séjourné" → "stephane sejourne"."""
    return " ".join(_NON_WORD.sub(" ", anyascii(text).lower()).split())


def words(text: str) -> list[str]:
    """The folded words of `text`, in order, without one-letter fragments such as the s of "NATO's"."""
    return [w[:MAX_TERM_LENGTH] for w in fold(text).split() if len(w) > 1 or w.isdigit()]


def terms(*fields: str | None) -> set[str]:
    """The distinct search terms of an event's text fields."""
    found: set[str] = set()
    for field in fields:
        if field:
            found.update(words(field))
    return found


def query_words(query: str) -> list[str]:
    """The words a query must all match, longest first (the most selective goes to the database first)."""
    unique = list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]
    return sorted(unique, key=len, reverse=True)


def prefix_upper_bound(word: str) -> str:
    """The smallest string greater than every string that starts with `word` (terms are [a-z0-9])."""
    return word[:-1] + chr(ord(word[-1]) + 1)


def suggest(query: str, vocabulary: Iterable[str], limit: int = 3) -> list[str]:
    """Names from `vocabulary` close to `query` ("blinkin" → "Blinken"), best first.

    Each name is offered whole and word by word, so a surname alone can be suggested.
    """
    wanted = fold(query)
    if len(wanted) < 3:
        return []
    choices: dict[str, str] = {}
    for name in vocabulary:
        for candidate in [name, *name.split()]:
            key = fold(candidate)
            if len(key) >= 3 and key != wanted:
                choices.setdefault(key, candidate.strip(",.;:()"))
    matches = process.extract(wanted, list(choices), scorer=fuzz.ratio, score_cutoff=75, limit=limit)
    return [choices[key] for key, _score, _index in matches]
