"""From a wire story to draft events: who meets whom, where, when, how firm, from which sentence.

Each sentence is read with spaCy's parse and entities, and with the date patterns of
`domain.stories.dates`. A sentence becomes a draft when it has an event word (meet, visit,
summit, talks, news conference…) and says where or when, unless it is history (a date before
the story's news cycle, "last year"), a denial ("will not attend", "called off") or background
in the past tense. A sentence without a place or a date takes the trip's current stop ("later
that day", "after their meeting"); the same event mentioned twice is drafted once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from domain.places import City, capital_of, country_code, country_name, find_city
from domain.search import fold
from domain.stories.dates import ClockTime, TimeExpr, dateline_date, find_clock, find_dates
from domain.stories.model import Extraction, Moment, StoryDraft
from domain.stories.nlp import pipeline
from domain.vocabulary import Kind, Precision, Status
from domain.zones import zone

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

_MEETING_VERBS = {"meet", "talk", "confer", "hold", "host", "receive", "welcome", "discuss", "negotiate"}
_TRAVEL_VERBS = {"visit", "travel", "head", "fly", "arrive", "tour", "stop", "go", "return", "land", "come"}
_ATTEND_VERBS = {
    "attend",
    "join",
    "participate",
    "convene",
    "chair",
    "co-chair",
    "open",
    "lead",
    "gather",
    "address",
    "speak",
    "deliver",
    "sign",
    "resume",
    "begin",
    "converge",
    "start",
    "hold",
}
_EVENT_NOUNS = {
    "summit": Kind.SUMMIT,
    "ministerial": Kind.MINISTERIAL,
    "ministers": Kind.MINISTERIAL,
    "conference": Kind.OTHER,
    "forum": Kind.OTHER,
    "meeting": Kind.BILATERAL,
    "talks": Kind.BILATERAL,
    "visit": Kind.VISIT,
    "trip": Kind.VISIT,
    "dinner": Kind.OTHER,
    "lunch": Kind.OTHER,
    "luncheon": Kind.OTHER,
    "banquet": Kind.OTHER,
    "ceremony": Kind.OTHER,
    "speech": Kind.SPEECH,
    "address": Kind.SPEECH,
    "session": Kind.OTHER,
    "gathering": Kind.OTHER,
    "signing": Kind.OTHER,
    "reception": Kind.OTHER,
    "debate": Kind.OTHER,
}  # fmt: skip
_PRESS = re.compile(
    r"\b(?:joint\s+)?(?:press|news)\s+conference|\bpress\s+(?:briefing|availability|statements?)\b", re.I
)
_HEDGES = re.compile(
    r"\b(?:expected to|could|may|might|likely|possibl[ey]|probabl[ey]|not (?:yet |been )?(?:officially )?confirmed|"
    r"no meeting had been|reportedly|tentative(?:ly)?|was to|were to|plans? to|planning to|hopes? to|considering|"
    r"under consideration|would probably|not ruled out|is mulling|sources said|could also)\b",
    re.I,
)
_DENIALS = re.compile(
    r"\b(?:will not|won't|would not|not (?:be )?(?:attend|travel|go|meet|visit|scheduled to)|called off|"
    r"call(?:ed)? off|"
    r"cancel+ed|cancel+ing|scrapped|postponed|by video(?:\s?link)?|via video|virtually|video conference|remotely|"
    r"no plans? to|ruled out|skip(?:ped|s)?)\b",
    re.I,
)
_HISTORY = re.compile(
    r"\b(?:last (?:year|month|met|visited|week|time)|a year ago|years ago|months ago|previous(?:ly)?|predecessor|"
    r"in the past|first (?:time )?since|since taking office|anniversary of|marked its|had (?:met|visited|held)|"
    r"once again|back in)\b",
    re.I,
)
_FUTURE_MARKERS = re.compile(
    r"\b(?:will|shall|'ll|is to|are to|was to|were to|due to|scheduled to|expected to|set to|slated to|going to|"
    r"plans? to|planned to|would|intends? to|hopes? to|aims? to|is (?:travell?ing|heading|flying|meeting|visiting)|"
    r"are (?:travell?ing|heading|flying|meeting|visiting)|could|may|might)\b",
    re.I,
)
_INHERIT = re.compile(
    r"\b(?:later that day|afterwards|after (?:their|the|his|her) (?:meeting|talks)|then|also|there"
    r"|during (?:the|his|her) visit|on the sidelines)\b",
    re.I,
)
_VENUE = re.compile(
    r"\b(?:the\s+)?((?:[A-ZÉ][\w'’-]+\s+){0,4}"
    r"(?:Palace|House|Chancellery|Kantei|Kremlin|Élysée|Elysee|Air Base|Castle|Hall|Centre|Center|Building"
    r"|Foreign Office|Ministry|Quirinale|headquarters|Headquarters|Hofburg|Bundestag|Parliament)\b"
    r"(?:\s+of\s+(?:the\s+)?[A-Z][\w-]+)?)"
)
_SAY_VERBS = {
    "say",
    "tell",
    "announce",
    "confirm",
    "state",
    "add",
    "report",
    "note",
    "write",
    "claim",
    "insist",
    "urge",
    "warn",
}
_TITLE_WORDS = re.compile(
    r"\b(?:President|Prime Minister|Premier|Chancellor|Foreign Minister|Minister|Secretary(?: of State| General)?"
    r"|King|Queen|Crown Prince|Prince|Emir|Sheikh|Vice President|Vice Premier|Pope|Commissioner"
    r"|Director-General|Envoy)\b"
)


@dataclass
class _Person:
    name: str
    mentions: int = 0
    first_seen: int = 0


@dataclass
class _Stop:
    city: City | None
    country: str | None
    moment: TimeExpr | None


def extract(text: str, *, published: date | None = None, today: date) -> Extraction:
    """The drafts of a story. The reference date is the dateline's, else `published`, else
    `today` (the newsroom's date)."""
    clean = _clean(text)
    reference = dateline_date(clean, published or today) or published or today
    doc = pipeline()(clean)
    people = _People(doc)
    stop = _Stop(None, None, None)
    drafts: list[StoryDraft] = []
    for sent in doc.sents:
        for draft in _read_sentence(sent, reference, people, stop):
            if not any(_same_event(draft, other) for other in drafts):
                drafts.append(draft)
    return Extraction(reference=reference, drafts=drafts)


def _clean(text: str) -> str:
    # Pasted copy joins paragraphs with single newlines and carries agency furniture.
    text = text.replace("\r\n", "\n").replace("\u00a0", " ")
    text = re.sub(r"(?m)^(?:Impact Shorts|More Shorts)\s*", "", text)
    text = re.sub(r"More Shorts(?=[A-Z])", "", text)
    return re.sub(r"\n(?!\n)", "\n\n", text)


class _People:
    """Everyone the story names, with their full name for later surname-only mentions."""

    def __init__(self, doc: Any):
        self.by_name: dict[str, _Person] = {}
        subjects: Counter[str] = Counter()
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            name = _person_name(ent.text)
            if not name:
                continue
            full = self.full(name) or name
            if len(name.split()) > len(full.split()):
                full = name
            person = self.by_name.setdefault(full, _Person(full, 0, ent.start))
            person.mentions += 1
            if ent.root.dep_ in ("nsubj", "nsubjpass"):
                subjects[full] += 1
        self.principal = self._principal(subjects)

    def full(self, name: str) -> str | None:
        """The full name a partial mention ("Macron", "Sejourne") refers to."""
        key = fold(name)
        for full in self.by_name:
            folded = fold(full)
            if folded == key or folded.endswith(" " + key) or folded.startswith(key + " "):
                return full
        return None

    def _principal(self, subjects: Counter[str]) -> str | None:
        if not self.by_name:
            return None
        # The traveller: most often the subject; ties go to who is named first.
        return max(self.by_name.values(), key=lambda p: (subjects[p.name] * 2 + p.mentions, -p.first_seen)).name


def _person_name(text: str) -> str:
    text = re.sub(r"['’]s$", "", text.strip())
    text = _TITLE_WORDS.sub("", text).strip(" ,")
    return " ".join(text.split())


def _read_sentence(sent: Any, reference: date, people: _People, stop: _Stop) -> list[StoryDraft]:
    text = sent.text.strip()
    if len(text) < 12:
        return []
    kind, trigger = _trigger(sent)
    press = bool(_PRESS.search(text))
    if trigger is None and not press:
        return []
    if _DENIALS.search(text):
        return []
    future = _tense(sent)
    dates = [d for d in find_dates(text, reference, future=future)]
    if any(d.historical for d in dates) or _HISTORY.search(text):
        # History, unless another date in the same sentence is of the story's own cycle.
        dates = [d for d in dates if not d.historical]
        if not dates or _HISTORY.search(text) and future is not True:
            return []
    places = _places(sent)
    venue = _venue(text)
    if future is False and not dates:
        return []  # background: something that happened, with no date in this news cycle
    if not places and not dates and not venue and not _INHERIT.search(text):
        return []
    participants = _participants(sent, people)
    if not participants and not places:
        return []
    city, country = places[0] if places else (None, None)
    inherited_place = False
    if city is None and country is None and stop.city is not None and (dates == [] or _INHERIT.search(text) or venue):
        city, country, inherited_place = stop.city, stop.city.country, True
    moment = dates[0] if dates else None
    if moment is None and stop.moment is not None and city is not None and stop.city is not None:
        if fold(city.name) == fold(stop.city.name):
            moment = stop.moment  # the same stop: its day carries over ("also", "later that day")
    if moment is not None and future is False and (reference - moment.start.day).days > 7:
        return []
    happened = future is False and moment is not None and moment.start.day <= reference
    tz = city.tz if city else _country_zone(country)
    start, end = _moments(moment, find_clock(text), tz)
    status = Status.TENTATIVE if _HEDGES.search(text) else Status.CONFIRMED
    base = StoryDraft(
        title="",
        evidence=text,
        participants=tuple(participants),
        venue=venue,
        city=city.name if city else None,
        country=country_name(country) if country else None,
        timezone=tz,
        start=start,
        end=end,
        status=status,
        happened=happened,
        kind=kind,
    )
    if city is not None and not inherited_place:
        stop.city, stop.moment = city, moment
    elif moment is not None and city is not None:
        stop.moment = moment
    drafts = []
    if trigger is not None:
        drafts.append(replace(base, title=_title(base, people.principal)))
    if press:
        conference = replace(base, kind=Kind.PRESS_CONFERENCE, venue=None)
        drafts.append(replace(conference, title=_title(conference, people.principal)))
    return drafts


def _trigger(sent: Any) -> tuple[Kind, Any | None]:
    """The event word of a sentence and the kind it suggests."""
    best: tuple[Kind, Any | None] = (Kind.OTHER, None)
    for token in sent:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB" or token.pos_ == "AUX" and lemma == "be":
            if lemma in _MEETING_VERBS:
                return Kind.BILATERAL, token
            if lemma in _TRAVEL_VERBS | _ATTEND_VERBS and best[1] is None:
                best = (Kind.VISIT if lemma in _TRAVEL_VERBS else Kind.OTHER, token)
        elif token.pos_ in ("NOUN", "PROPN") and lemma in _EVENT_NOUNS:
            noun_kind = _EVENT_NOUNS[lemma]
            if noun_kind is Kind.SUMMIT or best[1] is None or best[0] in (Kind.OTHER, Kind.VISIT):
                best = (noun_kind, token)
    return best


def _tense(sent: Any) -> bool | None:
    """True for a future clause, False for a past one, None when the sentence does not say."""
    text = sent.text
    if _FUTURE_MARKERS.search(text):
        return True
    root = sent.root
    if root.tag_ in ("VBD", "VBN") or any(t.tag_ == "VBD" and t.dep_ in ("ROOT", "conj") for t in sent):
        return False
    return None


def _places(sent: Any) -> list[tuple[City | None, str | None]]:
    """Cities (with their country) and bare countries where the sentence puts the event, most
    likely first: the object of "in", "to" or "at" before a subject or a "from"."""
    found: list[tuple[int, tuple[City | None, str | None]]] = []
    seen: set[str] = set()
    for ent in sent.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC", "ORG", "PERSON", "NORP"):
            continue
        name = re.sub(r"^the\s+", "", ent.text, flags=re.I).strip()
        name = re.sub(r"['’]s$", "", name)
        key = fold(name)
        if key in seen:
            continue
        place = _lookup(name, ent.label_)
        if place is None:
            continue
        seen.add(key)
        head = ent.root.head
        rank = 1
        if ent.root.dep_ in ("nsubj", "nsubjpass", "poss") and ent.label_ != "FAC":
            continue  # "Paris has supported…", "Washington's allies": the government, not the place
        if head.lower_ in ("in", "to", "at", "for", "into", "near") or ent.root.dep_ in ("compound", "nmod"):
            rank = 0
        if head.lower_ in ("from", "after", "leaving", "before", "since", "than", "against", "with"):
            rank = 3
        city, country = place
        if city is None:
            rank += 1  # a country says less than a city
        found.append((rank, place))
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
    if label not in ("GPE", "LOC", "FAC", "ORG") and label != "PERSON":
        return None
    city = find_city(name)
    if city is None:
        return None
    if label in ("PERSON", "ORG") and city.population < 500_000:
        return None  # a surname or an organisation that happens to be a small town's name
    return city, country_code(city.country)


def _country_zone(code: str | None) -> str | None:
    capital = capital_of(code) if code else None
    return capital.tz if capital else None


def _venue(text: str) -> str | None:
    match = _VENUE.search(text)
    if match is None:
        return None
    venue = match.group(1).strip()
    if venue.lower() in ("headquarters", "house", "hall", "building", "ministry", "centre", "center"):
        return None
    return venue[:120]


def _participants(sent: Any, people: _People) -> list[str]:
    names: list[str] = []
    subject_found = False
    for ent in sent.ents:
        if ent.label_ != "PERSON":
            continue
        name = _person_name(ent.text)
        full = people.full(name) or name
        if not full or len(full) < 3:
            continue
        head = ent.root.head
        if ent.root.dep_ in ("nsubj",) and head.lemma_ in _SAY_VERBS:
            continue  # the source of the story, not someone at the event
        if head.lemma_ in _SAY_VERBS and ent.root.dep_ in ("pobj", "agent"):
            continue
        if ent.root.dep_ == "pobj" and head.lower_ in ("to", "by") and head.head.lemma_ in ("accord", "say"):
            continue
        if ent.root.dep_ in ("nsubj", "nsubjpass"):
            subject_found = True
        if full not in names:
            names.append(full)
    principal = people.principal
    pronoun_subject = any(t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in ("he", "she", "they") for t in sent)
    if principal and principal not in names and (pronoun_subject and not subject_found):
        names.insert(0, principal)
    if principal in names:
        names.remove(principal)
        names.insert(0, principal)
    return names


def _moments(expr: TimeExpr | None, clock: ClockTime | None, tz: str | None) -> tuple[Moment | None, Moment | None]:
    if expr is None:
        return None, None
    start, end = expr.start, expr.end
    if clock is not None and start.precision is Precision.DAY and end is None:
        hour, minute, day = clock.hour, clock.minute, start.day
        if clock.utc and tz:
            instant = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone("UTC"))
            local = instant.astimezone(zone(tz))
            hour, minute, day = local.hour, local.minute, local.date()
        if not clock.utc or tz:
            start = Moment(day, Precision.EXACT, hour, minute)
    return start, end


def _title(draft: StoryDraft, principal: str | None) -> str:
    people = list(draft.participants)
    lead = _surname(people[0]) if people else None
    others = [_surname(p) for p in people[1:]]
    where = f" in {draft.city}" if draft.city else (f" in {draft.country}" if draft.country else "")
    if draft.kind is Kind.PRESS_CONFERENCE:
        who = " and ".join([n for n in [lead, *others] if n][:3])
        return f"Press conference: {who}" if who else f"Press conference{where}"
    if draft.kind is Kind.BILATERAL and lead and others:
        return f"{lead} meets {', '.join(others[:3])}"
    if draft.kind is Kind.SUMMIT:
        return f"Summit{where}" + (f" ({lead})" if lead else "")
    if lead:
        return f"{lead}{where}" if where else f"{lead}: {draft.evidence[:60]}"
    return draft.evidence[:80]


def _surname(name: str) -> str:
    parts = name.split()
    for particle in ("von", "van", "de", "da", "bin", "al-", "del"):
        if particle in [p.lower() for p in parts[:-1]]:
            index = [p.lower() for p in parts].index(particle)
            return " ".join(parts[index:])
    return parts[-1] if parts else name


def _same_event(a: StoryDraft, b: StoryDraft) -> bool:
    """Two mentions of one event: same kind of thing, same place, same day, same people."""
    if a.kind is Kind.PRESS_CONFERENCE or b.kind is Kind.PRESS_CONFERENCE:
        if a.kind is not b.kind:
            return False
    if fold(a.city or a.country or "") != fold(b.city or b.country or ""):
        return False
    if (a.start.day if a.start else None) != (b.start.day if b.start else None):
        return False
    others_a, others_b = set(a.participants[1:]), set(b.participants[1:])
    return others_a == others_b or (bool(others_a & others_b) and a.kind is b.kind)
