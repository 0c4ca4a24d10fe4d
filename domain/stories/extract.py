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
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from domain.places import City, country_code, country_name
from domain.search import fold
from domain.stories.clauses import Region, attached, right_after, token_at, trailing, where_clause
from domain.stories.dates import ClockTime, TimeExpr, dateline, find_clock, find_dates
from domain.stories.merge import add_people, same_event, title_for
from domain.stories.model import Extraction, Moment, StoryDraft
from domain.stories.nlp import pipeline
from domain.stories.people import GROUP_SUBJECT, People, participants_in
from domain.stories.places import city_name, country_zone, dateline_city, places_in, venue_city, venue_in
from domain.stories.words import tense, triggers_in
from domain.vocabulary import Kind, Precision, Status
from domain.zones import zone

_PRESS = re.compile(
    r"\b(?:joint\s+)?(?:press|news)\s+conference|\bpress\s+(?:briefing|availability|statements?)\b", re.I
)
# "A state dinner will be held that evening": the day of the stop the story is at.
_SAME_DAY = re.compile(r"\b(?:that|the same) (?:evening|day|night|afternoon|morning)\b|\blater that day\b", re.I)
# A later sentence about an event already named: "the summit will be chaired by…", "X is due to
# attend", "the delegation will be led by…".
_SAME_EVENT_AGAIN = re.compile(
    r"\b(?:the|this) (?:summit|talks|meeting|gathering|conference|session|forum)\b(?! (?:in|at|on) [A-Z])"
    r"|\b(?:due|expected|set) to attend\s*[,.;]|\bdelegation (?:will|would) be (?:led|headed)\b",
    re.I,
)
_PRESS_WORDS = {"conference", "briefing", "statement", "statements", "availability"}
_HEDGES = re.compile(
    r"\b(?:expected to|could|may|might|likely|possibl[ey]|probabl[ey]|not (?:yet |been )?(?:officially )?confirmed|"
    r"no meeting had been|reportedly|tentative(?:ly)?|was to|were to|plans? to|planning to|hopes? to|considering|"
    r"under consideration|would probably|not ruled out|is mulling|sources said|could also)\b",
    re.I,
)
_DENIALS = re.compile(
    r"\b(?:(?:will|would|does|do|did|is|are)(?: not|n't) (?:be )?(?:attend|travel|go|meet|visit|take part|join)|"
    r"not (?:be )?(?:attending|travell?ing|going|meeting|visiting|scheduled to)|call(?:ed)? off|"
    r"cancel+ed|cancel+ing|scrapped|postponed|by video(?:\s?link)?|via video|virtually|video conference|remotely|"
    r"no plans? to|ruled out|skip(?:ped|s)?|not expected to|(?:has|have) yet to)\b",
    re.I,
)
_HISTORY = re.compile(
    r"\b(?:last (?:year|month|met|visited|week|time)|a year ago|years ago|months ago|previous(?:ly)?|predecessor|"
    r"in the past|anniversary of|marked its|had (?:met|visited|held)|"
    r"once again|back in)\b",
    re.I,
)
_INHERIT = re.compile(
    r"\b(?:later that day|afterwards|after (?:their|the|his|her) (?:meeting|talks)|then|also|there"
    r"|during (?:the|his|her) visit|on the sidelines)\b",
    re.I,
)
_SEPARATE = re.compile(r"\b(?:separate|bilateral) (?:talks|meetings)\b", re.I)
# "09:00 Arrival and welcome of Heads of State": a programme line, on the programme's day.
_AGENDA_LINE = re.compile(r"^\s*(?:[01]?\d|2[0-3])[:.][0-5]\d\b")


@dataclass
class _Stop:
    city: City | None
    country: str | None
    moment: TimeExpr | None
    # Who met at the last event: "the two leaders", "they" in the next sentence.
    people: tuple[str, ...] = ()


def extract(text: str, *, published: date | None = None, today: date) -> Extraction:
    """The drafts of a story. The reference date is the dateline's, else `published`, else
    `today` (the newsroom's date)."""
    clean = _clean(text)
    found = dateline(clean, published or today)
    reference = found[0] if found else published or today
    # Paragraph by paragraph: headings and agenda lines are sentences of their own.
    paragraphs = [p for p in re.split(r"\n\s*\n", clean) if p.strip()]
    docs = list(pipeline().pipe(paragraphs))
    people = People(docs)
    stop = _Stop(dateline_city(clean), None, None)
    # The dateline's date says when the story was filed, not when anything happens.
    filed = (found[1][0] - clean.index(paragraphs[0]), found[1][1] - clean.index(paragraphs[0])) if found else None
    drafts: list[StoryDraft] = []
    for index, doc in enumerate(docs):
        if _heading(doc.text):
            _heading_stop(doc, reference, stop)
            continue
        for sent in doc.sents:
            mentions = _read_sentence(sent, reference, people, stop, filed if index == 0 else None)
            if (
                mentions
                and drafts
                and _SAME_EVENT_AGAIN.search(sent.text)
                and not find_dates(sent.text, reference, future=None)
            ):
                # "Guterres is due to attend", "the summit will be chaired by Rutte": who takes
                # part in an event already drafted, not an event of its own.
                add_people(drafts, mentions)
                continue
            for draft in mentions:
                if not any(same_event(draft, other) for other in drafts):
                    drafts.append(draft)
    return Extraction(reference=reference, drafts=drafts)


def _heading(paragraph: str) -> bool:
    """A headline, a document title or a heading line: no sentence ending, and short."""
    text = paragraph.strip()
    return not _AGENDA_LINE.match(text) and not re.search(r"[.!?\"”']$", text) and len(text.split()) <= 20


def _heading_stop(doc: Any, reference: date, stop: _Stop) -> None:
    """A heading such as "EU-Japan summit, Tokyo, 23 July 2025" sets the place and day of the
    programme lines under it."""
    places = places_in(next(iter(doc.sents)))
    dates = find_dates(doc.text, reference, future=None)
    cities = [city for _token, city, _country in places if city is not None]
    if cities:
        stop.city = cities[0]
    if dates and dates[0].end is None:
        stop.moment = dates[0]


def _clean(text: str) -> str:
    # Pasted copy joins paragraphs with single newlines and carries agency furniture.
    text = text.replace("\r\n", "\n").replace("\u00a0", " ")
    text = re.sub(r"(?m)^(?:Impact Shorts|More Shorts)\s*", "", text)
    text = re.sub(r"More Shorts(?=[A-Z])", "", text)
    return re.sub(r"\n(?!\n)", "\n\n", text)


def _read_sentence(
    sent: Any, reference: date, people: People, stop: _Stop, filed: tuple[int, int] | None = None
) -> list[StoryDraft]:
    text = sent.text
    if (len(text.strip()) < 12 or len(text.split()) < 4) and not _AGENDA_LINE.match(text):
        return []  # headings and page furniture
    triggers = triggers_in(sent)
    press = _PRESS.search(text)
    if not triggers and not press:
        return []
    if _DENIALS.search(text):
        return []
    future = tense(sent)
    dates = find_dates(text, reference, future=future)
    if filed is not None:
        dates = [d for d in dates if not filed[0] <= sent.start_char + d.span[0] < filed[1]]
    places = places_in(sent)
    main = triggers[0] if triggers else None
    # Event nouns with a place or date of their own are events of their own: "…head to Brussels
    # for talks ahead of the summit in Washington in July" is talks in Brussels and a summit.
    own: list[tuple[Any, Kind]] = []
    place_ids = {token.i for token, _city, _country in places}
    for token, kind in triggers[1:]:
        if main is None or token in main[0].ancestors or any(token in t.subtree for t, _k in own):
            continue
        # A second verb joined to the first ("…arrive in Rome on Wednesday and will be received
        # by the Pope…", "…before travelling to…") or a "where" clause is an event of its own
        # when it has its own place or date; so is an event noun.
        clause = token.dep_ in ("conj", "advcl", "pcomp") or token.dep_ == "relcl" and where_clause(token)
        if token.pos_ not in ("NOUN", "PROPN") and not clause:
            continue
        if not clause and main is not None and attached(token, main[0]):
            continue  # "hold a meeting in Brussels", "head to Brussels for talks": the main event itself
        region = Region(sent, token, [], keep_relative=clause)
        people_here = [e for e in sent.ents if e.label_ == "PERSON" and e.root.i in region.ids]
        if clause:
            mine = any(region.holds(d.span) for d in dates if not d.historical) or place_ids & region.ids
            if mine or people_here:
                own.append((token, kind))
            continue
        # A noun is an event of its own only with a place or date of its own ("a summit in
        # Washington in July"), not one it merely mentions ("a plan for the reconstruction of Gaza").
        date_tokens = [token_at(sent, d.span[0]) for d in dates if not d.historical]
        followed = token.head.lower_ == "by" and token.head.head.lemma_ == "follow"  # "…, followed by a lunch"
        if (
            followed
            or right_after(sent, token, place_ids, date_tokens)
            or any(attached(t, token) for t in date_tokens if t is not None)
            or any(attached(sent.doc[i], token) for i in place_ids)
        ):
            own.append((token, kind))
    # A date under an event noun is that event's ("…talks ahead of the summit in Washington in
    # July": July is the summit's, not the talks'), so that noun is an event of its own.
    nouns = {token.i: (token, kind) for token, kind in triggers[1:] if token.pos_ in ("NOUN", "PROPN")}
    for expr in dates:
        word = token_at(sent, expr.span[0])
        if expr.historical or word is None or main is None:
            continue
        for ancestor in [word, *word.ancestors]:
            if ancestor.i == main[0].i:
                break
            if ancestor.i in nouns and all(ancestor.i != t.i for t, _k in own):
                if not any(ancestor in t.subtree for t, _k in own):
                    own.append(nouns[ancestor.i])
                break
    events: list[tuple[Kind, Region, bool]] = []
    if main is not None:
        events.append((main[1], Region(sent, None, [t for t, _k in own]), True))
    events += [(kind, Region(sent, token, [], extra=trailing(sent, token)), False) for token, kind in own]
    drafts: list[StoryDraft] = []
    for kind, region, is_main in events:
        draft = _event(sent, region, kind, reference, future, dates, places, people, stop, travels=is_main)
        if draft is None:
            continue
        if _SEPARATE.search(text) and len(draft.participants) > 2:
            # "separate bilateral talks with X and Y": one meeting with each
            lead, *others = draft.participants
            for other in others:
                one = replace(draft, participants=(lead, other), kind=Kind.BILATERAL)
                drafts.append(replace(one, title=title_for(one)))
            continue
        drafts.append(draft)
    conference_only = main is not None and main[0].lemma_.lower() in _PRESS_WORDS
    if press and drafts and conference_only:
        # The sentence is about the press conference itself: that is its one event.
        drafts[0] = replace(drafts[0], kind=Kind.PRESS_CONFERENCE)
        drafts[0] = replace(drafts[0], title=title_for(drafts[0]))
    elif press and drafts:
        conference = replace(drafts[0], kind=Kind.PRESS_CONFERENCE, venue=None)
        drafts.append(replace(conference, title=title_for(conference)))
    elif press:
        whole = Region(sent, None, [])
        draft = _event(
            sent, whole, Kind.PRESS_CONFERENCE, reference, future, dates, places, people, stop, travels=False
        )
        if draft is not None:
            drafts.append(draft)
    return drafts


def _event(
    sent: Any,
    region: Region,
    kind: Kind,
    reference: date,
    future: bool | None,
    dates: list[TimeExpr],
    places: list[tuple[Any, City | None, str | None]],
    people: People,
    stop: _Stop,
    *,
    travels: bool,
) -> StoryDraft | None:
    text = sent.text
    local = region.text(text)
    mine = [d for d in dates if region.holds(d.span)]
    current = [d for d in mine if not d.historical]
    if _HISTORY.search(local) and not (future is True and current):
        # History, unless the clause is about what comes next and dates it ("…will meet Lavrov
        # on Tuesday, the first talks since the invasion nearly three years ago").
        return None
    if any(d.historical for d in mine):
        mine = [d for d in mine if not d.historical]
        if not mine or future is not True:
            return None
    where = [(city, country) for token, city, country in places if token.i in region.ids]
    if kind is Kind.VISIT and travels and len(where) >= 2 and mine and mine[0].end is not None:
        return (
            None  # a tour in one line ("will visit Malaysia and Indonesia from Thursday to Sunday"): its stops follow
        )
    venue = venue_in(local)
    if future is False and not mine:
        return None  # background: something that happened, with no date in this news cycle
    participants = participants_in(sent, region, people, stop.people)
    if not participants and stop.people and GROUP_SUBJECT.search(local):
        participants = list(stop.people)
    city, country = where[0] if where else (None, None)
    if city is None and venue and (town := venue_city(venue)) is not None:
        city, country = town, country_code(town.country)
    inherited = False
    if city is None and country is None and stop.city is not None:
        city, country, inherited = stop.city, country_code(stop.city.country), True
    if city is None and not mine and not venue:
        return None  # nothing says where or when
    agenda_line = bool(_AGENDA_LINE.match(text)) or bool(_SAME_DAY.search(text))
    if not participants and not where and not mine and not agenda_line:
        return None
    moment = mine[0] if mine else None
    if moment is None and stop.moment is not None and city is not None and stop.city is not None:
        if fold(city.name) == fold(stop.city.name):
            moment = stop.moment  # the same stop: its day carries over ("also", "later that day")
    if moment is not None and future is False and (reference - moment.start.day).days > 7:
        return None
    happened = future is False and moment is not None and moment.start.day <= reference
    named = any(t.i in region.ids and (t.ent_type_ == "PERSON" or people.surname(t.text)) for t in sent)
    if happened and not named:
        return None  # a record of who did what, when the story names no one ("the French minister was in…")
    tz = city.tz if city else country_zone(country)
    start, end = _moments(moment, find_clock(local), tz)
    status = Status.TENTATIVE if _HEDGES.search(text) else Status.CONFIRMED
    draft = StoryDraft(
        title="",
        evidence=text.strip(),
        participants=tuple(participants),
        venue=venue,
        city=city_name(city) if city else None,
        country=country_name(country) if country else None,
        timezone=tz,
        start=start,
        end=end,
        status=status,
        happened=happened,
        kind=kind,
    )
    if travels and len(participants) > 1:
        stop.people = tuple(participants)
    if travels and city is not None and not inherited and not happened:
        stop.city, stop.moment = city, moment
    elif travels and moment is not None and city is not None and not happened:
        stop.moment = moment
    return replace(draft, title=title_for(draft))


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
