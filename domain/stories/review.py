"""Drafts read from a story, on their way to the schedule: how each reads to an editor, how it
becomes the add/edit form's values (and so goes through the same checks), whether the schedule
already has it, and what the story adds to the event already there.

Nothing here reads the story again: a draft carries its own sentence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.event_form import AUTO_ZONE, NO_TRIP, EventInput, FormResult, FormValues, validate
from domain.records import EventRecord
from domain.search import fold
from domain.stories.model import Moment, StoryDraft
from domain.timetext import day_text, local_day
from domain.validation import MAX_LENGTH
from domain.vocabulary import Kind, Precision, Status
from domain.zones import ZoneError, add_days, earlier, first_of_next_month, zone

NO_DATE = "The story gives no date for it: Review it to set a date."
PAST = "This date has passed: Review it to correct the date, or to keep it as a record of a past event."


# -- How a draft reads -------------------------------------------------------------------------
def when_text(draft: StoryDraft, reference: date) -> str:
    """ "Thu 13 May, time TBC", "Tue 2 Apr, 15:00 CEST", "July 2027, date TBC", "Date not given".

    The year is shown when it is not the reference date's: a story's dates are near it.
    """
    start, end = draft.start, draft.end
    if start is None:
        return "Date not given"
    if start.precision is Precision.MONTH:
        return f"{start.day:%B %Y}, date TBC"
    first = _day(start.day, reference)
    last = end.day if end is not None and end.precision is not Precision.MONTH and end.day > start.day else None
    wall = start.wall()
    if wall is None:
        days = f"{first} – {_day(last, reference)}" if last else first
        return f"{days}, time TBC"
    clock = f"{wall:%H:%M}{_zone_abbreviation(wall, draft.timezone)}"
    end_wall = end.wall() if end is not None else None
    if end_wall is not None and end_wall.date() == wall.date() and end_wall > wall:
        clock = f"{wall:%H:%M}–{end_wall:%H:%M}{_zone_abbreviation(end_wall, draft.timezone)}"
    return f"{first}, {clock}"


def _day(day: date, reference: date) -> str:
    return day_text(day, with_year=day.year != reference.year)


def _zone_abbreviation(wall: datetime, tz: str | None) -> str:
    if not tz:
        return " venue time"
    try:
        return f" {wall.replace(tzinfo=zone(tz)):%Z}"
    except ZoneError:
        return " venue time"


def where_text(draft: StoryDraft) -> str:
    return ", ".join(part for part in (draft.venue, draft.city, draft.country) if part) or "Place not given"


def who_text(draft: StoryDraft) -> str:
    return ", ".join(draft.participants) or "No one named"


def status_text(draft: StoryDraft) -> str:
    if draft.happened:
        return "Already happened"
    return "Confirmed" if draft.status is Status.CONFIRMED else "Tentative"


def draft_lines(draft: StoryDraft, reference: date) -> list[str]:
    """A draft for the command line: its title, then when, where, who, how firm, and the sentence."""
    return [
        draft.title,
        f"  When:   {when_text(draft, reference)}",
        f"  Where:  {where_text(draft)}",
        f"  Who:    {who_text(draft)}",
        f"  Status: {status_text(draft)}",
        f"  From:   “{draft.evidence}”",
    ]


# -- Story text from Slack ---------------------------------------------------------------------
_LINK = re.compile(r"<([^<>|]+)\|([^<>]*)>")
_BARE = re.compile(r"<([^<>]+)>")


def story_text(slack_text: str) -> str:
    """A message's text as the story reads: Slack's links, mentions and escapes turned back into words."""
    text = _LINK.sub(lambda m: m.group(2), slack_text)
    text = _BARE.sub(lambda m: m.group(1).removeprefix("mailto:").lstrip("#@!"), text)
    return html.unescape(text)


def message_date(ts: str | None, newsroom_tz: ZoneInfo) -> date | None:
    """The day a message was posted (its `ts`), on the newsroom's clock."""
    try:
        return datetime.fromtimestamp(float(ts or ""), UTC).astimezone(newsroom_tz).date()
    except (ValueError, OverflowError, OSError):  # "nan", "1e30": not a time Slack sends
        return None


# -- Keeping drafts between views --------------------------------------------------------------
def draft_to_dict(draft: StoryDraft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "evidence": draft.evidence,
        "participants": list(draft.participants),
        "venue": draft.venue,
        "city": draft.city,
        "country": draft.country,
        "timezone": draft.timezone,
        "start": _moment_to_dict(draft.start),
        "end": _moment_to_dict(draft.end),
        "status": draft.status.value,
        "happened": draft.happened,
        "kind": draft.kind.value,
    }


def draft_from_dict(data: dict[str, Any]) -> StoryDraft:
    return StoryDraft(
        title=str(data["title"]),
        evidence=str(data["evidence"]),
        participants=tuple(str(p) for p in data.get("participants") or ()),
        venue=data.get("venue"),
        city=data.get("city"),
        country=data.get("country"),
        timezone=data.get("timezone"),
        start=_moment_from_dict(data.get("start")),
        end=_moment_from_dict(data.get("end")),
        status=Status(data.get("status", Status.CONFIRMED.value)),
        happened=bool(data.get("happened")),
        kind=Kind(data.get("kind", Kind.OTHER.value)),
    )


def _moment_to_dict(moment: Moment | None) -> dict[str, Any] | None:
    if moment is None:
        return None
    return {"day": moment.day.isoformat(), "precision": moment.precision.value, "h": moment.hour, "m": moment.minute}


def _moment_from_dict(data: Any) -> Moment | None:
    if not isinstance(data, dict):
        return None
    return Moment(date.fromisoformat(data["day"]), Precision(data["precision"]), data.get("h"), data.get("m"))


# -- From draft to form ------------------------------------------------------------------------
def form_values(draft: StoryDraft, *, channel_id: str | None, source_url: str | None) -> FormValues:
    """The add form as this draft fills it in: the sentence as notes, the story as source.

    A draft that already happened becomes a record of a past event. An end is kept only when it
    is as precise as the start, as the form asks.
    """
    start, end = draft.start, draft.end
    wall = start.wall() if start else None
    end_wall = end.wall() if end else None
    keep_end = (
        start is not None
        and end is not None
        and start.precision is not Precision.MONTH
        and end.precision is start.precision
        and (end_wall is not None) == (wall is not None)
    )
    return FormValues(
        title=draft.title,
        kind=draft.kind.value,
        participants=", ".join(draft.participants),
        venue=draft.venue or "",
        city=draft.city or "",
        country=draft.country or "",
        start_date=start.day.isoformat() if start else None,
        start_time=f"{wall:%H:%M}" if wall else None,
        tz=draft.timezone or AUTO_ZONE,
        end_date=end.day.isoformat() if keep_end and end else None,
        end_time=f"{end_wall:%H:%M}" if keep_end and end_wall else None,
        precision=start.precision.value if start else None,
        status=draft.status.value,
        trip=NO_TRIP,
        channel=channel_id,
        source_url=source_url or "",
        notes=draft.evidence[: MAX_LENGTH["notes"]],
        past_record=draft.happened,
    )


def check_draft(
    draft: StoryDraft,
    *,
    uid: str,
    channel_id: str | None,
    source_url: str | None,
    now: datetime,
    newsroom_tz: ZoneInfo,
    default_channel: str | None,
) -> tuple[FormResult, str | None]:
    """The form's checks on the draft, and the one line to show under it when they fail.

    The channel is checked for the whole modal, so its error is not the draft's.
    """
    result = validate(
        form_values(draft, channel_id=channel_id, source_url=source_url),
        uid=uid,
        now=now,
        newsroom_tz=newsroom_tz,
        default_channel=default_channel,
    )
    errors = {name: text for name, text in result.errors.items() if name != "channel"}
    return result, problem_text(draft, errors) if errors else None


@dataclass(frozen=True)
class Selection:
    """The ticked drafts as events ready to save, or why they cannot be: errors by draft index,
    and whether no channel was picked where the newsroom has none either."""

    chosen: dict[int, EventInput]
    errors: dict[int, str]
    no_channel: bool

    @property
    def ready(self) -> bool:
        return not self.errors and not self.no_channel


def check_selection(
    drafts: Sequence[StoryDraft],
    picks: Sequence[int],
    *,
    new_uid: Callable[[], str],
    channel_id: str | None,
    source_url: str | None,
    now: datetime,
    newsroom_tz: ZoneInfo,
    default_channel: str | None,
) -> Selection:
    """Every picked draft through the form's checks: all of them are added, or none."""
    chosen: dict[int, EventInput] = {}
    errors: dict[int, str] = {}
    for index in picks:
        result, problem = check_draft(
            drafts[index],
            uid=new_uid(),
            channel_id=channel_id,
            source_url=source_url,
            now=now,
            newsroom_tz=newsroom_tz,
            default_channel=default_channel,
        )
        if problem is not None:
            errors[index] = problem
        elif result.value is not None:
            chosen[index] = result.value
    return Selection(chosen, errors, no_channel=channel_id is None and default_channel is None)


def problem_text(draft: StoryDraft, errors: dict[str, str]) -> str:
    if draft.start is None:
        return NO_DATE
    if "start_date" in errors and "past" in errors["start_date"]:
        return PAST
    name, text = next(iter(errors.items()))
    if name == "tz":
        return f"{draft.timezone} is not a time zone TripDesk knows: Review it to pick the venue's zone."
    return f"{text} Review it to correct this."


def ticked_by_default(draft: StoryDraft, *, on_schedule: bool, today: date | None = None) -> bool:
    """Ticked when it can be added as it stands: a date, still to come (its last day not before
    `today`, the newsroom's date), not on the schedule yet."""
    if draft.start is None or draft.happened or on_schedule:
        return False
    span = day_span(draft)
    return today is None or span is None or span[1] >= today


# -- The schedule --------------------------------------------------------------------------------
def day_span(draft: StoryDraft) -> tuple[date, date] | None:
    """The first and last venue-local days the draft may fall on."""
    start, end = draft.start, draft.end
    if start is None:
        return None
    if start.precision is Precision.MONTH:
        first = start.day.replace(day=1)
        return first, add_days(first_of_next_month(first), -1)
    last = end.day if end is not None and end.precision is not Precision.MONTH and end.day > start.day else start.day
    return start.day, last


def event_span(event: EventRecord) -> tuple[date, date]:
    finishes = event.ends_at or event.starts_at
    last = local_day(earlier(finishes, timedelta(microseconds=1)), event.tz) if event.ends_at else None
    first = local_day(event.starts_at, event.tz)
    if event.precision is Precision.MONTH:
        return first, add_days(first_of_next_month(first), -1)
    return first, max(first, last) if last else first


def _surname(name: str) -> str:
    parts = fold(name).split()
    return parts[-1] if parts else ""


def people_of(event: EventRecord) -> set[str]:
    names = [p.name for p in event.participants]
    if event.trip is not None:
        names.append(event.trip.principal)
    return {_surname(n) for n in names if _surname(n)}


def shared_people(draft: StoryDraft, event: EventRecord) -> int:
    return len({_surname(n) for n in draft.participants if _surname(n)} & people_of(event))


def is_same_event(draft: StoryDraft, event: EventRecord) -> bool:
    """The schedule has it: the same city, overlapping days, and the principal or another
    participant in common."""
    span = day_span(draft)
    if span is None or not draft.city or fold(draft.city) != fold(event.city):
        return False
    first, last = event_span(event)
    return span[0] <= last and first <= span[1] and shared_people(draft, event) > 0


def best_match(draft: StoryDraft, events: Sequence[EventRecord]) -> EventRecord | None:
    """Of the scheduled events that are this draft, the likeliest: most people in common, the
    same kind, then the earliest."""
    same = [e for e in events if is_same_event(draft, e)]
    if not same:
        return None
    return min(same, key=lambda e: (-shared_people(draft, e), e.kind is not draft.kind, e.starts_at))


@dataclass(frozen=True)
class Addition:
    """Something the story says that the scheduled event does not: in words, and as form values."""

    text: str
    values: dict[str, Any]


def additions(draft: StoryDraft, event: EventRecord) -> list[Addition]:
    """What the story adds to `event`: a time where the schedule has only the day, a day where
    it has only the month, a confirmation of a tentative event, a venue."""
    found: list[Addition] = []
    start = draft.start
    wall = start.wall() if start else None
    if start is not None and wall is not None and event.precision is not Precision.EXACT:
        found.append(
            Addition(
                f"the time, {wall:%H:%M}",
                {
                    "precision": Precision.EXACT.value,
                    "start_date": start.day.isoformat(),
                    "start_time": f"{wall:%H:%M}",
                    "end_date": None,
                    "end_time": None,
                },
            )
        )
    elif start is not None and start.precision is Precision.DAY and event.precision is Precision.MONTH:
        found.append(
            Addition(
                f"the day, {day_text(start.day)}",
                {"precision": Precision.DAY.value, "start_date": start.day.isoformat(), "end_date": None},
            )
        )
    if draft.status is Status.CONFIRMED and event.status is Status.TENTATIVE and not draft.happened:
        found.append(Addition("that it is confirmed", {"status": Status.CONFIRMED.value}))
    if draft.venue and not event.venue:
        found.append(Addition(f"the venue, {draft.venue}", {"venue": draft.venue}))
    return found


@dataclass(frozen=True)
class DraftMatch:
    """The scheduled event a draft describes, and what the story adds to it."""

    event: EventRecord
    adds: list[Addition]


def merged_values(found: Sequence[Addition]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for addition in found:
        merged.update(addition.values)
    return merged
