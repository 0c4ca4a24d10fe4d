"""The add/edit modal, and reading its submitted state back into form values.

Each input's block_id and action_id is the name of the form field it fills, so that a field
error from validation lands under its own input.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from blocks.text import INPUT_TEXT, OPTION_TEXT, VIEW_TITLE, escaped, mrkdwn, plain, shorten
from domain.event_form import AUTO_ZONE, NEW_TRIP, NO_REMINDERS, NO_TRIP, FormValues
from domain.records import EventRecord, TripRecord
from domain.reminders import LEAD_TIMES, stored_lead_times
from domain.timetext import day_text
from domain.travel import ClashKind, PersonClash, Whereabouts
from domain.validation import MAX_LENGTH
from domain.vocabulary import Kind, Precision, Status
from domain.zones import zone

CALLBACK_ID = "event_form"
PAST_RECORD = "past_record"
MARKED_KEY = "marked_key"
KEY_OPTION = "Key event: chase coverage 48 and 24 hours before"
# The clash warning under the start time, and the box that saves all the same.
CLASH_WARNING = "clash_warning"
# Where the warned view keeps the clashes it showed, and how many (private_metadata holds
# 3,000 characters; past these, a save warns again).
SHOWN_KEY = "k"
CLASHES_KEPT = 200
SAVE_ANYWAY = "save_anyway"
# Clashes named in the warning; the rest are counted.
CLASHES_SHOWN = 5
# A context element's text, and each clash's line in it: room for the lines, their line
# breaks and "and 1,000,000 more".
_CONTEXT_TEXT = 2000
_CLASH_LINE = (_CONTEXT_TEXT - len("and 1,000,000 more") - CLASHES_SHOWN) // CLASHES_SHOWN
# Slack's select menus hold 100 options: the trip select's two choices, then the trips.
TRIP_OPTIONS = 98


def event_modal(
    *,
    event: EventRecord | None,
    trips: Sequence[TripRecord],
    channel_id: str | None,
    newsroom_tz: ZoneInfo,
    metadata: dict,
) -> dict:
    """The form, empty for `/trip add` or filled with `event` for Edit."""
    local = event.starts_at.astimezone(zone(event.tz)) if event else None
    local_end = event.ends_at.astimezone(zone(event.tz)) if event and event.ends_at else None
    exact = event is not None and event.precision is Precision.EXACT
    blocks = [
        _input(
            "title",
            "Title",
            _text("title", event.title if event else None, MAX_LENGTH["title"], "Blinken meets Macron"),
        ),
        _input(
            "kind",
            "Kind",
            _select("kind", [(k.label, k.value) for k in Kind], event.kind.value if event else Kind.BILATERAL.value),
        ),
        _input(
            MARKED_KEY,
            "Key",
            _element(
                "checkboxes",
                MARKED_KEY,
                options=[_option(KEY_OPTION, "yes")],
                initial_options=[_option(KEY_OPTION, "yes")] if event and event.marked_key else None,
            ),
            optional=True,
            hint="Summits and ministerial meetings are always key. No one covering a key event: the desk is told.",
        ),
        _participants_input(event),
        _input(
            "venue",
            "Venue",
            _text("venue", event.venue if event else None, MAX_LENGTH["venue"], "Élysée Palace"),
            optional=True,
        ),
        _input(
            "city", "City", _text("city", event.city if event else None, MAX_LENGTH["city"], "Paris"), optional=True
        ),
        _input(
            "country",
            "Country",
            _text("country", event.country if event else None, MAX_LENGTH["country"], "France"),
            optional=True,
        ),
        _input(
            "start_date",
            "Start date",
            _element("datepicker", "start_date", initial_date=local.date().isoformat() if local else None),
        ),
        _input(
            "start_time",
            "Start time (venue time)",
            _element("timepicker", "start_time", initial_time=f"{local:%H:%M}" if exact else None),
            optional=True,
            hint="Leave empty when only the day or month is known, and set the precision below.",
        ),
        _input("tz", "Venue time zone", _zone_select(event, newsroom_tz)),
        _input(
            "end_date",
            "End date",
            _element("datepicker", "end_date", initial_date=local_end.date().isoformat() if local_end else None),
            optional=True,
        ),
        _input(
            "end_time",
            "End time (venue time)",
            _element("timepicker", "end_time", initial_time=f"{local_end:%H:%M}" if local_end and exact else None),
            optional=True,
        ),
        _input(
            "precision",
            "How precise is the date?",
            _element(
                "radio_buttons",
                "precision",
                options=[_option(p.label, p.value) for p in Precision],
                initial_option=_option(_precision(event).label, _precision(event).value),
            ),
        ),
        _input(
            "status",
            "Status",
            _select(
                "status", [(s.label, s.value) for s in Status], event.status.value if event else Status.TENTATIVE.value
            ),
        ),
        _input(
            "trip",
            "Trip",
            _select("trip", _trip_options(trips), str(event.trip_id) if event and event.trip_id else NO_TRIP),
        ),
        _input(
            "trip_principal",
            "New trip: whose trip is it?",
            _text("trip_principal", None, MAX_LENGTH["participant"], "Antony Blinken"),
            optional=True,
            hint="Only for “Start a new trip”. Empty: the first participant.",
        ),
        _input(
            "trip_name",
            "New trip: name",
            _text("trip_name", None, MAX_LENGTH["trip"], "Europe, April 2024"),
            optional=True,
        ),
        _input(
            "channel",
            "Reminders and change notices go to",
            _element(
                "conversations_select",
                "channel",
                initial_conversation=(event.channel_id if event and event.channel_id else channel_id),
                default_to_current_conversation=True,
                filter={"include": ["public", "private"], "exclude_bot_users": True},
            ),
            optional=True,
            hint="Empty: the newsroom's default channel.",
        ),
        _input(
            "lead_times",
            "Remind the channel",
            _element(
                "multi_static_select",
                "lead_times",
                options=_lead_time_options(),
                initial_options=_lead_time_initial(event),
                placeholder=plain("The kind's default"),
            ),
            optional=True,
            hint=(
                "Empty: the kind's default — a summit 1 week, 1 day and 1 hour before; a meeting 1 day and"
                " 1 hour; a press conference or speech 1 hour and 15 minutes."
            ),
        ),
        _input(
            "source_url",
            "Source",
            _element(
                "url_text_input", "source_url", initial_value=event.source_url if event and event.source_url else None
            ),
            optional=True,
        ),
        _notes_input(event),
        _input(
            PAST_RECORD,
            "Record",
            _element(
                "checkboxes",
                PAST_RECORD,
                options=[_option("Record of a past event (no reminders)", "yes")],
                initial_options=[_option("Record of a past event (no reminders)", "yes")]
                if event and event.past_record
                else None,
            ),
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain("Edit event" if event else "Add to the schedule", VIEW_TITLE),
        "submit": plain("Save", VIEW_TITLE),
        "close": plain("Cancel", VIEW_TITLE),
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "blocks": blocks,
    }


def clash_warning_view(view: dict, clashes: list[PersonClash], *, event_id: int | None) -> dict:
    """The submitted form again, with what clashes under the start time and a "Save anyway" box.

    The blocks are the submitted view's own, with the same block_id and action_id: Slack keeps
    what the editor typed in inputs that keep both when it updates a view, so nothing is lost.
    A warning from an earlier submission is replaced."""
    blocks = [b for b in view.get("blocks", []) if b.get("block_id") not in (CLASH_WARNING, SAVE_ANYWAY)]
    # Each line fitted so that with the count of the rest they fit the element: the count
    # always shows.
    lines = [escaped(clash_text(c, event_id=event_id), _CLASH_LINE) for c in clashes[:CLASHES_SHOWN]]
    if len(clashes) > CLASHES_SHOWN:
        lines.append(f"and {len(clashes) - CLASHES_SHOWN:,} more")
    warning = {
        "type": "context",
        "block_id": CLASH_WARNING,
        "elements": [mrkdwn("\n".join(lines), _CONTEXT_TEXT)],
    }
    option = _option("Save anyway: the schedule is right", "yes")
    confirm = _input(
        SAVE_ANYWAY,
        "This clashes with another event",
        _element("checkboxes", SAVE_ANYWAY, options=[option]),
        optional=True,
        hint="Tick to save all the same, or change the time or place and save.",
    )
    at = next((i + 1 for i, b in enumerate(blocks) if b.get("block_id") == "start_time"), len(blocks))
    blocks[at:at] = [warning, confirm]
    kept = ("type", "callback_id", "title", "submit", "close")
    buttons = {"submit": plain("Save", VIEW_TITLE), "close": plain("Cancel", VIEW_TITLE)}
    # The clashes shown, by the other event: "Save anyway" accepts these and no other (the
    # event's own id is not known yet when it is new).
    others = sorted({c.pair[0] if c.pair[1] == event_id else c.pair[1] for c in clashes})[:CLASHES_KEPT]
    metadata = {**_metadata(view), SHOWN_KEY: others}
    return {
        "type": "modal",
        **buttons,
        **{key: view[key] for key in kept if key in view},
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "blocks": blocks,
    }


def shown_clashes(metadata: dict) -> frozenset[int]:
    """The other events of the clashes the warning showed (in the view's metadata)."""
    shown = metadata.get(SHOWN_KEY)
    return frozenset(i for i in shown if isinstance(i, int)) if isinstance(shown, list) else frozenset()


def _metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (ValueError, TypeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def clash_text(found: PersonClash, *, event_id: int | None) -> str:
    """ "⚠️ Impossible travel: Paris 10:00 → Brussels 11:00 (264 km) for Antony Blinken — Blinken
    meets President Macron": the other event's title last."""
    first, second = found.clash.first, found.clash.second
    other = first if second.id == event_id else second
    both_days = _local_day(first) != _local_day(second)
    places = f"{first.city} {_moment(first, both_days)} → {second.city} {_moment(second, both_days)}"
    who = f" for {', '.join(found.people)}" if found.people else ""
    if found.clash.kind is ClashKind.OVERLAP:
        return f"⚠️ At the same time: {places}{who} — {other.title}"
    distance = f" ({found.clash.distance_km:,.0f} km)" if found.clash.distance_km is not None else ""
    return f"⚠️ Impossible travel: {places}{distance}{who} — {other.title}"


def _local_day(where: Whereabouts):
    return where.starts_at.astimezone(zone(where.tz)).date()


def _moment(where: Whereabouts, with_day: bool) -> str:
    local = where.starts_at.astimezone(zone(where.tz))
    if where.precision is Precision.MONTH:
        return f"{local:%B %Y}"
    if where.precision is Precision.DAY:
        return day_text(local.date(), with_year=False)
    return f"{day_text(local.date(), with_year=False)} {local:%H:%M}" if with_day else f"{local:%H:%M}"


def save_anyway(values: Any) -> bool:
    """Whether the editor ticked "Save anyway" under a clash warning."""
    block = values.get(SAVE_ANYWAY) if isinstance(values, dict) else None
    element = block.get(SAVE_ANYWAY) if isinstance(block, dict) else None
    options = element.get("selected_options") if isinstance(element, dict) else None
    return isinstance(options, list) and any(isinstance(o, dict) and o.get("value") == "yes" for o in options)


def zone_options(query: str, names: tuple[str, ...], *, newsroom_tz: ZoneInfo, limit: int = 100) -> list[dict]:
    """Options for the zone select: the automatic choice, then zones matching what was typed."""
    wanted = query.strip().lower().replace(" ", "_")
    options = [_auto_option(newsroom_tz)] if not wanted or wanted in "auto" else []
    options += [_option(name.replace("_", " "), name) for name in names if wanted in name.lower()]
    return options[:limit]


def read_form(values: Any) -> FormValues:
    """Form values from a view_submission's `view.state.values`, tolerant of anything missing
    or of the wrong type."""
    if not isinstance(values, dict):
        values = {}

    def element(name: str) -> dict:
        block = values.get(name)
        found = block.get(name) if isinstance(block, dict) else None
        return found if isinstance(found, dict) else {}

    def text(name: str) -> str:
        value = element(name).get("value")
        return value if isinstance(value, str) else ""

    def selected(name: str) -> str | None:
        option = element(name).get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value if isinstance(value, str) else None

    def selected_many(name: str) -> tuple[str, ...]:
        options = element(name).get("selected_options")
        if not isinstance(options, list):
            return ()
        return tuple(o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str))

    def string(name: str, key: str) -> str | None:
        value = element(name).get(key)
        return value if isinstance(value, str) and value else None

    return FormValues(
        title=text("title"),
        kind=selected("kind"),
        participants=text("participants"),
        venue=text("venue"),
        city=text("city"),
        country=text("country"),
        start_date=string("start_date", "selected_date"),
        start_time=string("start_time", "selected_time"),
        tz=selected("tz"),
        end_date=string("end_date", "selected_date"),
        end_time=string("end_time", "selected_time"),
        precision=selected("precision"),
        status=selected("status"),
        trip=selected("trip"),
        trip_principal=text("trip_principal"),
        trip_name=text("trip_name"),
        channel=string("channel", "selected_conversation"),
        lead_times=selected_many("lead_times"),
        source_url=text("source_url"),
        notes=text("notes"),
        past_record="yes" in selected_many(PAST_RECORD),
        marked_key="yes" in selected_many(MARKED_KEY),
    )


def _participants_input(event: EventRecord | None) -> dict:
    names = [p.name for p in event.participants] if event else []
    # A text input holds 3,000 characters: the names that fit, whole, and a word on the others.
    shown, length = 0, -len(", ")
    while shown < len(names) and length + len(", ") + len(names[shown]) <= INPUT_TEXT:
        length += len(", ") + len(names[shown])
        shown += 1
    hint = "Names, separated by commas. Most participants are not on Slack."
    if shown < len(names):
        hint += f" Only the first {shown} of {len(names)} fit in this field; saving keeps those shown."
    return _input(
        "participants",
        "Participants",
        _text("participants", ", ".join(names[:shown]), INPUT_TEXT, "Antony Blinken, Emmanuel Macron"),
        optional=True,
        hint=hint,
    )


def _notes_input(event: EventRecord | None) -> dict:
    # Imported notes may be longer than a text input holds (3,000 characters).
    notes = event.notes if event else ""
    limit = min(MAX_LENGTH["notes"], INPUT_TEXT)
    hint = None
    if len(notes) > limit:
        hint = f"These notes have {len(notes):,} characters; this field holds {limit:,}, and saving keeps those shown."
    return _input(
        "notes", "Notes", _text("notes", shorten(notes, limit), limit, None, multiline=True), optional=True, hint=hint
    )


def _input(name: str, label: str, element: dict, *, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": name, "label": plain(label, 2000), "element": element, "optional": optional}
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _element(kind: str, action_id: str, **fields) -> dict:
    return {"type": kind, "action_id": action_id, **{k: v for k, v in fields.items() if v is not None}}


def _text(
    action_id: str, initial: str | None, max_length: int, placeholder: str | None, *, multiline: bool = False
) -> dict:
    return _element(
        "plain_text_input",
        action_id,
        initial_value=initial or None,
        max_length=max_length,
        multiline=multiline or None,
        placeholder=plain(placeholder) if placeholder else None,
    )


def _option(text: str, value: str) -> dict:
    return {"text": plain(text, OPTION_TEXT), "value": value}


def _select(action_id: str, choices: list[tuple[str, str]], initial: str) -> dict:
    options = [_option(text, value) for text, value in choices]
    chosen = next((o for o in options if o["value"] == initial), options[0])
    return _element("static_select", action_id, options=options, initial_option=chosen)


def _auto_option(newsroom_tz: ZoneInfo) -> dict:
    return _option(f"From the city (else {newsroom_tz.key})", AUTO_ZONE)


def _zone_select(event: EventRecord | None, newsroom_tz: ZoneInfo) -> dict:
    initial = _option(event.tz.replace("_", " "), event.tz) if event else _auto_option(newsroom_tz)
    return _element(
        "external_select",
        "tz",
        min_query_length=0,
        initial_option=initial,
        placeholder=plain("Type a city or zone, e.g. Paris"),
    )


def _precision(event: EventRecord | None) -> Precision:
    return event.precision if event else Precision.EXACT


def _trip_options(trips: Sequence[TripRecord]) -> list[tuple[str, str]]:
    return [
        ("No trip", NO_TRIP),
        ("Start a new trip", NEW_TRIP),
        *((f"{t.principal}: {t.name}", str(t.id)) for t in trips[:TRIP_OPTIONS]),
    ]


def _lead_time_options() -> list[dict]:
    return [_option(label, str(minutes)) for minutes, label in LEAD_TIMES.items()] + [
        _option("No reminders", NO_REMINDERS)
    ]


def _lead_time_initial(event: EventRecord | None) -> list[dict] | None:
    stored = stored_lead_times(event.lead_times) if event else None
    if stored is None:
        return None
    if not stored:
        return [_option("No reminders", NO_REMINDERS)]
    return [_option(LEAD_TIMES[m], str(m)) for m in stored if m in LEAD_TIMES]
