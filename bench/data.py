"""A realistic schedule of any size, written straight into the tables.

Many principals on many trips to many cities over years of history, with participants, notes
and search terms, generated deterministically and inserted in bulk (the product's import path
is measured separately, on an .ics file).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert

from domain.drafts import finishes_at
from domain.search import terms
from domain.vocabulary import Kind, Precision, Status
from storage.models import Event, EventTerm, Participant, Trip, table_of

TEAM = "T0BENCH"
PRINCIPALS = [
    "Antony Blinken",
    "Emmanuel Macron",
    "Olaf Scholz",
    "Sergey Lavrov",
    "Wang Yi",
    "Rishi Sunak",
    "Annalena Baerbock",
    "Stéphane Séjourné",
    "Jens Stoltenberg",
    "Ursula von der Leyen",
    "Josep Borrell",
    "Nikol Pashinyan",
    "Volodymyr Zelensky",
    "Recep Tayyip Erdoğan",
    "Narendra Modi",
    "Lula da Silva",
    "Fumio Kishida",
    "Yoon Suk Yeol",
    "Cyril Ramaphosa",
    "Giorgia Meloni",
] + [f"Minister {chr(65 + i // 26)}{chr(65 + i % 26)} Example" for i in range(130)]
CITIES = [
    ("Paris", "France", "Europe/Paris"),
    ("Brussels", "Belgium", "Europe/Brussels"),
    ("Washington", "United States", "America/New_York"),
    ("Berlin", "Germany", "Europe/Berlin"),
    ("London", "United Kingdom", "Europe/London"),
    ("Kyiv", "Ukraine", "Europe/Kyiv"),
    ("Beijing", "China", "Asia/Shanghai"),
    ("Tokyo", "Japan", "Asia/Tokyo"),
    ("New Delhi", "India", "Asia/Kolkata"),
    ("Brasília", "Brazil", "America/Sao_Paulo"),
    ("Pretoria", "South Africa", "Africa/Johannesburg"),
    ("Cairo", "Egypt", "Africa/Cairo"),
    ("Ankara", "Turkey", "Europe/Istanbul"),
    ("Yerevan", "Armenia", "Asia/Yerevan"),
    ("Rome", "Italy", "Europe/Rome"),
    ("Madrid", "Spain", "Europe/Madrid"),
    ("Warsaw", "Poland", "Europe/Warsaw"),
    ("Geneva", "Switzerland", "Europe/Zurich"),
    ("New York", "United States", "America/New_York"),
    ("Ottawa", "Canada", "America/Toronto"),
    ("Canberra", "Australia", "Australia/Sydney"),
    ("Seoul", "South Korea", "Asia/Seoul"),
    ("Riyadh", "Saudi Arabia", "Asia/Riyadh"),
    ("Doha", "Qatar", "Asia/Qatar"),
]
VENUES = [
    "Foreign ministry",
    "Presidential palace",
    "NATO headquarters",
    "UN headquarters",
    "Convention centre",
    "Embassy",
    "Parliament",
]
TOPICS = ["Ukraine", "Gaza", "Sudan", "trade", "climate", "NATO summit preparations", "energy security", "migration"]
KINDS = list(Kind)
STATUSES = [Status.CONFIRMED] * 6 + [Status.TENTATIVE] * 3 + [Status.CANCELLED, Status.POSTPONED]


def generate(engine: Engine, *, events: int, seed: int = 7, now: datetime | None = None) -> None:
    """Insert `events` events for workspace T0BENCH, from six years ago to two years ahead."""
    if events == 0:
        return
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    first = now - timedelta(days=6 * 365)
    span = 8 * 365
    event_rows, participant_rows, term_rows, trip_rows = [], [], [], []
    event_id = trip_id = 0
    while event_id < events:
        trip_id += 1
        principal = rng.choice(PRINCIPALS)
        day0 = first + timedelta(days=rng.randrange(span), hours=rng.randrange(7, 19))
        stops = rng.randint(2, 6)
        trip_rows.append(
            {
                "id": trip_id,
                "team_id": TEAM,
                "principal": principal,
                "name": f"Trip {trip_id}, {day0:%B %Y}",
                "created_at": now,
            }
        )
        for stop in range(stops):
            if event_id >= events:
                break
            event_id += 1
            city, country, tz = rng.choice(CITIES)
            start = (day0 + timedelta(days=stop // 2, hours=3 * (stop % 2))).replace(minute=0, second=0, microsecond=0)
            precision = Precision.EXACT if rng.random() > 0.1 else Precision.DAY
            kind, status = rng.choice(KINDS), rng.choice(STATUSES)
            others = rng.sample(PRINCIPALS, rng.randint(1, 4))
            people = [principal, *(p for p in others if p != principal)]
            verb, whom = ("meets", others[0]) if kind is Kind.BILATERAL else ("at", kind.label.lower())
            title = f"{principal.split()[-1]} {verb} {whom} in {city}"
            venue, notes = rng.choice(VENUES), f"Talks on {rng.choice(TOPICS)} and {rng.choice(TOPICS)}."
            event_rows.append(
                {
                    "id": event_id,
                    "team_id": TEAM,
                    "uid": f"bench-{event_id}@tripdesk",
                    "title": title,
                    "kind": kind,
                    "status": status,
                    "precision": precision,
                    "starts_at": start,
                    "ends_at": None,
                    "finishes_at": finishes_at(start, None, precision, tz),
                    "tz": tz,
                    "city": city,
                    "country": country,
                    "venue": venue,
                    "trip_id": trip_id,
                    "source_url": "https://www.example.org/schedule",
                    "notes": notes,
                    "created_by": "import",
                    "created_at": now,
                    "updated_by": "import",
                    "updated_at": now,
                    "version": 1,
                    "past_record": False,
                }
            )
            participant_rows += [{"event_id": event_id, "position": n, "name": name} for n, name in enumerate(people)]
            term_rows += [
                {
                    "team_id": TEAM,
                    "term": term,
                    "event_id": event_id,
                    "starts_at": start,
                    "finishes_at": event_rows[-1]["finishes_at"],
                    "deleted_at": None,
                }
                for term in sorted(terms(title, city, country, venue, notes, principal, *people))
            ]
    with engine.begin() as connection:
        for model, rows in (
            (Trip, trip_rows),
            (Event, event_rows),
            (Participant, participant_rows),
            (EventTerm, term_rows),
        ):
            for chunk in range(0, len(rows), 5000):
                connection.execute(insert(table_of(model)), rows[chunk : chunk + 5000])
        if connection.dialect.name == "postgresql":
            # Rows were inserted with explicit ids: move the sequences past them, then refresh statistics.
            for table in ("trips", "events"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
