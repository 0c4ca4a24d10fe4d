"""Where a story puts an event: cities and countries from GeoNames (with their zones), the few
summit towns too small for its list, venues that name their city, the dateline's city."""

from __future__ import annotations

import re
from typing import Any

from domain.places import City, capital_of, country_code, find_city
from domain.search import fold

# Summit and meeting places too small for GeoNames' list of cities over 15,000 people.
VENUE_TOWNS = {
    "davos": City("Davos", "Switzerland", "Europe/Zurich", 0),
    "kananaskis": City("Kananaskis", "Canada", "America/Edmonton", 0),
    "ramstein": City("Ramstein", "Germany", "Europe/Berlin", 0),
    "ramstein air base": City("Ramstein", "Germany", "Europe/Berlin", 0),
    "evian": City("Evian", "France", "Europe/Paris", 0),
    "evian-les-bains": City("Evian", "France", "Europe/Paris", 0),
    "camp david": City("Camp David", "United States", "America/New_York", 0),
    "burgenstock": City("Bürgenstock", "Switzerland", "Europe/Zurich", 0),
    "biarritz": City("Biarritz", "France", "Europe/Paris", 0),
    "elmau": City("Elmau", "Germany", "Europe/Berlin", 0),
    "borgo egnazia": City("Borgo Egnazia", "Italy", "Europe/Rome", 0),
    "hiroshima": City("Hiroshima", "Japan", "Asia/Tokyo", 0),
    "granada": City("Granada", "Spain", "Europe/Madrid", 0),
}


_VENUE = re.compile(
    r"\b(?:the\s+)?((?:[A-ZÉ][\w'’-]+\s+){0,4}"
    r"(?:Palace|House|Chancellery|Kantei|Kremlin|Élysée|Elysee|Air Base|Castle|Hall|Centre|Center|Building"
    r"|Foreign Office|Ministry|Quirinale|headquarters|Headquarters|Hofburg|Bundestag|Parliament)\b"
    r"(?:\s+of\s+(?:the\s+)?[A-Z][\w-]+)?)"
)


def dateline_city(text: str) -> City | None:
    """Where the story was filed ("TOKYO (AP) —", "BRUSSELS, April 6 (Reuters) -"): the stop an
    event is at when the story does not say otherwise."""
    match = re.match(r"^\s*(?:\(\w+\)\s*-\s*)?([A-Z][A-Za-z .'’-]{2,40}?)\s*(?:,|\(|—|-)", text)
    if match is None or len(match.group(1).split()) > 4:
        return None
    name = match.group(1).strip()
    town = VENUE_TOWNS.get(fold(name))
    return town or find_city(name.title() if name.isupper() else name)


def places_in(sent: Any) -> list[tuple[Any, City | None, str | None]]:
    """Cities (with their country) and bare countries where the sentence puts an event, most
    likely first: the object of "in", "to" or "at" rather than a subject or a "from"."""
    found: list[tuple[int, tuple[Any, City | None, str | None]]] = []
    seen: set[str] = set()
    for ent in sent.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC", "ORG", "PERSON", "NORP"):
            continue
        name = re.sub(r"['’]s$", "", ent.text.strip())
        bare = re.sub(r"^the\s+", "", name, flags=re.I)
        key = fold(bare)
        if key in seen:
            continue
        # "The Hague" is a city's name; "the Netherlands" and "the United States" are not.
        place = (_lookup(name, ent.label_) if name != bare else None) or _lookup(bare, ent.label_)
        if place is None:
            continue
        head = ent.root.head
        if ent.root.dep_ in ("nsubj", "nsubjpass", "poss", "appos") and ent.label_ != "FAC":
            continue  # "Paris has supported…", "Washington's allies": the government, not the place
        if head.lower_ in ("from", "after", "leaving", "before", "since", "than", "against", "with", "over"):
            continue
        seen.add(key)
        rank = 1
        if head.lower_ in ("in", "to", "at", "for", "into", "near") or ent.root.dep_ in ("compound", "nmod"):
            rank = 0
        city, country = place
        if city is None:
            rank += 1  # a country says less than a city
        found.append((rank, (ent.root, city, country)))
    return [place for _rank, place in sorted(found, key=lambda item: item[0])]


def _lookup(name: str, label: str) -> tuple[City | None, str | None] | None:
    key = fold(name)
    if key in VENUE_TOWNS:
        town = VENUE_TOWNS[key]
        return town, country_code(town.country)
    code = country_code(name)
    if code is not None and len(key) > 2:
        same = find_city(name, code)
        if same is not None and fold(same.name) == key:
            return same, code  # city-states: Singapore, Luxembourg
        return None, code
    if label not in ("GPE", "LOC", "ORG", "PERSON"):
        return None  # a building ("the White House") is a venue, never a city of that name
    city = find_city(name)
    if city is None:
        return None
    if label in ("PERSON", "ORG") and city.population < 500_000:
        return None  # a surname or an organisation that happens to be a small town's name
    return city, country_code(city.country)


# Buildings that name their city: an event "at the White House" is in Washington.
_VENUE_CITIES = {
    "white house": "Washington", "oval office": "Washington", "capitol": "Washington", "pentagon": "Washington",
    "elysee": "Paris", "kremlin": "Moscow", "downing street": "London", "lancaster house": "London",
    "kantei": "Tokyo", "zhongnanhai": "Beijing", "great hall of the people": "Beijing", "quirinale": "Rome",
    "chigi": "Rome", "rashtrapati bhavan": "New Delhi", "hyderabad house": "New Delhi",
}  # fmt: skip


def city_name(city: City) -> str:
    """The name a desk writes: "New York", not GeoNames' "New York City"; "Goyang", not "Goyang-si"."""
    name = re.sub(r"-(?:si|shi|gun|ku)$", "", city.name)
    return {"New York City": "New York", "Mexico City": "Mexico City"}.get(name, name)


def venue_city(venue: str) -> City | None:
    key = fold(venue)
    for name, city in _VENUE_CITIES.items():
        if name in key:
            return find_city(city)
    return None


def country_zone(code: str | None) -> str | None:
    capital = capital_of(code) if code else None
    return capital.tz if capital else None


def venue_in(text: str) -> str | None:
    match = _VENUE.search(text)
    if match is None:
        return None
    venue = match.group(1).strip()
    if venue.lower() in ("headquarters", "house", "hall", "building", "ministry", "centre", "center"):
        return None
    return venue[:120]
