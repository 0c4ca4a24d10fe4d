"""The schedule's tables. Data-access functions live beside this module, not on the models.

Every row belongs to one Slack workspace (`team_id`) and every query filters on it.
Instants are UTC (`UTCDateTime`); `tz` keeps the venue's IANA zone for display.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    inspect,
    true,
)
from sqlmodel import Field, Relationship, SQLModel

from domain.validation import MAX_LENGTH
from domain.vocabulary import Kind, Precision, ReminderStatus, Status
from storage.types import StrEnumType, UTCDateTime

TEAM_ID_MAX = MAX_LENGTH["team_id"]
USER_ID_MAX = MAX_LENGTH["user_id"]
UID_MAX = MAX_LENGTH["uid"]
TITLE_MAX = MAX_LENGTH["title"]
NAME_MAX = MAX_LENGTH["participant"]
PLACE_MAX = MAX_LENGTH["city"]
VENUE_MAX = MAX_LENGTH["venue"]
TZ_MAX = MAX_LENGTH["tz"]
URL_MAX = MAX_LENGTH["url"]
NOTES_MAX = MAX_LENGTH["notes"]
TERM_MAX = MAX_LENGTH["term"]
CHANNEL_ID_MAX = 32
TS_MAX = 32


class _Identified(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _Identified) -> int:
    """The id of a row the database has numbered: one that was read, or added and flushed."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush the session first")
    return row.id


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model, for bulk statements that need not go through the ORM."""
    table = inspect(model).local_table
    assert isinstance(table, Table), f"{model.__name__} is not mapped to a table"
    return table


def _instant(nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class Trip(SQLModel, table=True):
    """One journey of one principal, grouping its stops: "Antony Blinken: Europe, April 2024"."""

    __tablename__ = "trips"
    __table_args__ = (UniqueConstraint("team_id", "principal", "name", name="uq_trips_team_principal_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=TEAM_ID_MAX)
    principal: str = Field(max_length=NAME_MAX)
    name: str = Field(max_length=NAME_MAX)
    created_at: datetime = Field(sa_column=_instant())

    events: list["Event"] = Relationship(back_populates="trip")


class Event(SQLModel, table=True):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("team_id", "uid", name="uq_events_team_uid"),
        Index("ix_events_team_starts", "team_id", "starts_at"),
        Index("ix_events_team_finishes", "team_id", "finishes_at"),
        # The feed's Last-Modified: the latest change, read from the end of the index.
        Index("ix_events_team_updated", "team_id", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=TEAM_ID_MAX)
    # Stable identity: the iCalendar UID for imported events, so importing again updates.
    uid: str = Field(max_length=UID_MAX)
    title: str = Field(max_length=TITLE_MAX)
    kind: Kind = Field(sa_column=Column(StrEnumType(Kind, 24), nullable=False))
    status: Status = Field(sa_column=Column(StrEnumType(Status, 16), nullable=False))
    precision: Precision = Field(sa_column=Column(StrEnumType(Precision, 8), nullable=False))
    starts_at: datetime = Field(sa_column=_instant())
    ends_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    # When the event is over: the end, or the end of its day or month when only that is known.
    # Kept as a column so that "upcoming" is one indexed comparison.
    finishes_at: datetime = Field(sa_column=_instant())
    tz: str = Field(max_length=TZ_MAX)
    city: str = Field(default="", max_length=PLACE_MAX)
    country: str = Field(default="", max_length=PLACE_MAX)
    venue: str = Field(default="", max_length=VENUE_MAX)
    trip_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("trips.id", ondelete="SET NULL"), index=True)
    )
    source_url: str | None = Field(default=None, max_length=URL_MAX)
    notes: str = Field(default="", max_length=NOTES_MAX)
    created_by: str = Field(max_length=USER_ID_MAX)
    created_at: datetime = Field(sa_column=_instant())
    updated_by: str = Field(max_length=USER_ID_MAX)
    updated_at: datetime = Field(sa_column=_instant())
    # Bumped by every change; a form saved against an older version is refused.
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    # Where reminders and change notices go; None: the newsroom's TRIPDESK_CHANNEL.
    channel_id: str | None = Field(default=None, max_length=CHANNEL_ID_MAX)
    # The event's own thread in that channel: the "New on the schedule" notice.
    thread_ts: str | None = Field(default=None, max_length=TS_MAX)
    # Minutes before the start, comma-separated ("10080,1440,60"); None: the kind's defaults.
    lead_times: str | None = Field(default=None, max_length=64)
    # Entered after the fact, as a record: never reminded.
    past_record: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # An editor marked it key: its coverage is chased like a summit's (domain/coverage.py).
    marked_key: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # Deleted events are kept, out of every listing, so that their history stays readable.
    deleted_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    # What the calendar feed said at the last import of this UID (JSON, domain/feed.py), so that
    # an import takes only what the feed changed and never undoes an editor's change.
    # None for events made in TripDesk.
    feed_values: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The subscribed feed the event came from (None: made in TripDesk, or a one-off import): an
    # event that disappears from its feed is cancelled, never deleted. No foreign key: SQLite
    # can neither add one to `events` nor drop a column that has one without copying the table;
    # removing a subscription clears its events' feed_id itself.
    feed_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True, index=True))

    trip: Trip | None = Relationship(back_populates="events", sa_relationship_kwargs={"lazy": "joined"})
    participants: list["Participant"] = Relationship(
        back_populates="event",
        sa_relationship_kwargs={
            "lazy": "selectin",
            "order_by": "Participant.position",
            "cascade": "all, delete-orphan",
        },
    )
    # Read with every event for its card: an indexed lookup for all the events a query loads.
    clashes: list["EventClash"] = Relationship(
        sa_relationship_kwargs={
            "lazy": "selectin",
            "foreign_keys": "EventClash.event_id",
            "primaryjoin": "Event.id == EventClash.event_id",
            "order_by": "EventClash.other_id",
            "viewonly": True,
        },
    )
    coverage: list["Coverage"] = Relationship(
        sa_relationship_kwargs={
            "lazy": "selectin",
            "order_by": "Coverage.assigned_at",
            "cascade": "all, delete-orphan",
        },
    )


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event an import has just inserted, as the work that follows a change reads it (its
    history, its followers' notices, its reminders): the row's values without an ORM object,
    which at a year of a wire service's events would cost more than the rest of the import."""

    id: int
    team_id: str
    uid: str
    kind: Kind
    status: Status
    precision: Precision
    starts_at: datetime
    finishes_at: datetime
    version: int = 1
    channel_id: str | None = None
    lead_times: str | None = None
    past_record: bool = False
    deleted_at: datetime | None = None


class Participant(SQLModel, table=True):
    """A person at an event; most are not Slack users, so this is a name, not a user id."""

    __tablename__ = "participants"

    id: int | None = Field(default=None, primary_key=True)
    # None until the event's flush fills it in through the relationship.
    event_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
    )
    position: int = 0
    name: str = Field(max_length=NAME_MAX)

    event: Event | None = Relationship(back_populates="participants")


class EventTerm(SQLModel, table=True):
    """One folded word of an event's text, for indexed accent-insensitive prefix search.

    Each term carries its event's start, finish and deletion, so that a search counts and pages
    the upcoming matches in start order from the key alone, reading only the page's events. A
    trigger on `events` (migration 0012) keeps the copies when an event moves or is deleted;
    whoever inserts terms gives them the event's values. Keyed by (workspace, term, start,
    event): without row ids on SQLite, so that the rows are that b-tree, and with finish and
    deletion in the key's index on PostgreSQL."""

    __tablename__ = "event_terms"
    __table_args__ = (
        # On PostgreSQL the migration (0012) adds INCLUDE (finishes_at, deleted_at) to this key.
        # It is not repeated here: naming a PostgreSQL option loads that dialect at every start,
        # SQLite's included.
        PrimaryKeyConstraint("team_id", "term", "starts_at", "event_id"),
        # An event's terms (replaced when it is edited), and whether it has a term starting with
        # a query's second word, without reading the rows.
        Index("ix_event_terms_event_term", "event_id", "term"),
        {"sqlite_with_rowid": False},
    )

    team_id: str = Field(max_length=TEAM_ID_MAX)
    # Byte order ("C") on PostgreSQL, so that a prefix is one contiguous index range.
    term: str = Field(
        sa_column=Column(String(TERM_MAX).with_variant(String(TERM_MAX, collation="C"), "postgresql"), nullable=False)
    )
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False))
    starts_at: datetime = Field(sa_column=_instant())
    finishes_at: datetime = Field(sa_column=_instant())
    deleted_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class Coverage(SQLModel, table=True):
    """Who covers an event for the desk: Slack users."""

    __tablename__ = "coverage"

    event_id: int = Field(sa_column=Column(Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True))
    user_id: str = Field(primary_key=True, max_length=USER_ID_MAX, index=True)
    assigned_by: str = Field(max_length=USER_ID_MAX)
    assigned_at: datetime = Field(sa_column=_instant())


class EventChange(SQLModel, table=True):
    """One line of an event's history: who changed which field from what to what, and when."""

    __tablename__ = "event_changes"
    __table_args__ = (
        Index("ix_event_changes_event_at", "event_id", "at"),
        # What changed in a workspace since a moment: `/trip changes`, the Home tab, the agenda.
        Index("ix_event_changes_team_at", "team_id", "at"),
        # A user's unseen changes on PostgreSQL, by the transaction that wrote them.
        Index("ix_event_changes_team_xact", "team_id", "xact"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=TEAM_ID_MAX)
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False))
    actor: str = Field(max_length=USER_ID_MAX)
    at: datetime = Field(sa_column=_instant())
    # created, changed, cancelled, postponed, deleted, covered, uncovered
    action: str = Field(max_length=16)
    field: str | None = Field(default=None, max_length=32)
    old: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The file or URL (credentials redacted) of the import that made the change; None otherwise.
    imported_from: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # On PostgreSQL, the transaction that wrote the row (set by the database: see
    # storage/changes.py, which reads a user's unseen changes by it); None on SQLite, whose
    # ids already come in commit order.
    xact: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, server_default=FetchedValue()))


class Reminder(SQLModel, table=True):
    """One reminder of one event to one channel. The database is the only record of it:
    no scheduler keeps reminders in memory, so none is lost to a restart."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("event_id", "lead_minutes", "channel_id", name="uq_reminders_event_lead_channel"),
        Index("ix_reminders_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=TEAM_ID_MAX)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    lead_minutes: int
    channel_id: str = Field(max_length=CHANNEL_ID_MAX)
    due_at: datetime = Field(sa_column=_instant())
    status: ReminderStatus = Field(sa_column=Column(StrEnumType(ReminderStatus, 16), nullable=False))
    attempts: int = 0
    # The failure, or why the reminder was skipped.
    last_error: str | None = Field(default=None, max_length=500)
    # The last attempt got no answer, or a server error, so Slack may have posted it all the
    # same: before posting again the deliverer looks for it in the channel.
    may_have_posted: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    next_attempt_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    claimed_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    message_ts: str | None = Field(default=None, max_length=TS_MAX)
    sent_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    late: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))


class ChannelHold(SQLModel, table=True):
    """Which replica posts reminders to a channel for now. Slack allows about one message a
    second per channel; two replicas pacing the same channel each on their own would trip it
    and lose a second to every 429, so one replica drains a channel while the others leave it."""

    __tablename__ = "channel_holds"

    channel_id: str = Field(primary_key=True, max_length=CHANNEL_ID_MAX)
    held_by: str | None = Field(default=None, max_length=64)
    held_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class AgendaPost(SQLModel, table=True):
    """The daily agenda of one newsroom day: the row is claimed before posting, once a day."""

    __tablename__ = "agenda_posts"

    team_id: str = Field(primary_key=True, max_length=TEAM_ID_MAX)
    day: date = Field(sa_column=Column(Date, primary_key=True))
    channel_id: str = Field(max_length=CHANNEL_ID_MAX)
    status: str = Field(max_length=16)
    claimed_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    posted_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    message_ts: str | None = Field(default=None, max_length=TS_MAX)
    last_error: str | None = Field(default=None, max_length=500)


class CoverageChase(SQLModel, table=True):
    """The desk's channel told that no one covers a key event, `lead_hours` before its start:
    the row is claimed before posting, so that every replica chases each event once a lead time.

    `starts_at` and `chased_at` say which start it was for: an event moved well later since,
    whose lead time came round again after that moment, is chased again (domain/coverage.py
    `chase_owed`)."""

    __tablename__ = "coverage_chases"

    event_id: int = Field(sa_column=Column(Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True))
    lead_hours: int = Field(primary_key=True)
    team_id: str = Field(max_length=TEAM_ID_MAX)
    channel_id: str = Field(max_length=CHANNEL_ID_MAX)
    # The event's start when it was chased.
    starts_at: datetime = Field(sa_column=_instant())
    chased_at: datetime = Field(sa_column=_instant())
    # sending (claimed), sent, or pending (a failed post, to be tried again).
    status: str = Field(max_length=16)
    claimed_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    message_ts: str | None = Field(default=None, max_length=TS_MAX)
    last_error: str | None = Field(default=None, max_length=500)


class HandledRequest(SQLModel, table=True):
    """A request from Slack being handled or handled (a command, a click, a form submitted, an
    Events API delivery), or a saved form. Replays and retries find their key here and do
    nothing again; a key whose listener failed is removed, so that a retry is handled."""

    __tablename__ = "handled_requests"

    key: str = Field(primary_key=True, max_length=255)
    # When its handling started (or, for a saved form, when it was saved).
    handled_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # For a saved form: the event it created or changed, to show again to a re-sent submission.
    event_id: int | None = None
    # False while the listener runs: a key left so (its replica died) is taken over after a while.
    finished: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))


class StoryDraftSet(SQLModel, table=True):
    """The drafts read from one story, kept while the editor goes through them in Slack: the
    views only carry this row's id, since the drafts with their sentences outgrow a view's
    3,000 characters of private_metadata. The story itself is not kept."""

    __tablename__ = "story_drafts"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=TEAM_ID_MAX)
    # Who drafted: only they see and add these drafts.
    user_id: str = Field(max_length=USER_ID_MAX)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # The date the story's "Tuesday" and "in July" were read against.
    reference: date = Field(sa_column=Column(Date, nullable=False))
    channel_id: str | None = Field(default=None, max_length=CHANNEL_ID_MAX)
    # The message's permalink for a story drafted from a message; None for pasted text.
    source_url: str | None = Field(default=None, max_length=URL_MAX)
    # The drafts (a JSON list), and what became of each one added or reviewed (a JSON object
    # from the draft's index to the event's title and what was done).
    drafts: str = Field(sa_column=Column(Text, nullable=False))
    outcomes: str = Field(default="{}", sa_column=Column(Text, nullable=False))


class ScheduleRevision(SQLModel, table=True):
    """A number that changes with every change to a workspace's schedule, kept by triggers
    (migration 0010) on `events` and `trips` so that no writer can forget it: an event added
    (on PostgreSQL; SQLite's stamp reads the largest event id instead), changed (its version or
    updated_at), deleted, or a trip added or removed. The live feed's ETag is made from it, so a
    conditional request costs lookups by index, whichever replica made the change."""

    __tablename__ = "schedule_revisions"

    team_id: str = Field(primary_key=True, max_length=TEAM_ID_MAX)
    revision: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class CalendarFeed(SQLModel, table=True):
    """The secret address of a workspace's live iCalendar feed: `<selector><verifier>.ics`.

    The selector finds the row (an indexed lookup whose timing says nothing about the secret);
    the verifier is then compared in constant time. The verifier is kept as it is, not hashed,
    because `/trip feed` shows the address again to whoever asks. Rotating replaces both: the
    old address then answers 404 like any unknown one.
    """

    __tablename__ = "calendar_feeds"

    team_id: str = Field(primary_key=True, max_length=TEAM_ID_MAX)
    selector: str = Field(max_length=16, unique=True)
    verifier: str = Field(max_length=64)
    # The workspace's name as Slack gave it with the command (its domain): the calendar's name.
    desk: str = Field(default="", max_length=NAME_MAX)
    created_by: str = Field(max_length=USER_ID_MAX)
    created_at: datetime = Field(sa_column=_instant())


class FeedSubscription(SQLModel, table=True):
    """A calendar a publisher puts up (a ministry, a summit, a partner desk), kept in sync.

    Synced every few minutes by one replica at a time: a sync claims the row with a lease, as a
    reminder is claimed. What the last sync found stays on the row for `/trip feeds`.
    """

    __tablename__ = "feed_subscriptions"
    __table_args__ = (UniqueConstraint("team_id", "url", name="uq_feed_subscriptions_team_url"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=TEAM_ID_MAX)
    url: str = Field(max_length=URL_MAX)
    name: str = Field(max_length=NAME_MAX)
    added_by: str = Field(max_length=USER_ID_MAX)
    added_at: datetime = Field(sa_column=_instant())
    # Validators from the last good response, sent back so that an unchanged feed costs a 304.
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    next_sync_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    claimed_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    last_attempt_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    last_success_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    # One line: what the last good sync did ("12 events: 2 new, 1 updated…, 1 skipped").
    last_report: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Why the feed could not be read, since when, and whether the desk's channel was told.
    last_error: str | None = Field(default=None, max_length=500)
    failing_since: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    failure_posted_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class Follow(SQLModel, table=True):
    """A user following a query ("blinken"): DMs about matching events, and personal reminders."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "query_key", name="uq_follows_team_user_query"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=TEAM_ID_MAX, index=True)
    user_id: str = Field(max_length=USER_ID_MAX)
    # As typed, for display; `query_key` (its folded words) is what makes two follows the same.
    query: str = Field(max_length=TITLE_MAX)
    query_key: str = Field(max_length=TITLE_MAX)
    # Minutes before a matching event that the personal reminder is due.
    lead_minutes: int = 60
    # The follower's IANA zone when they followed (users.info), for the DMs' plain text.
    tz: str = Field(max_length=TZ_MAX)
    created_at: datetime = Field(sa_column=_instant())


class FollowNotice(SQLModel, table=True):
    """One DM to one follower about one change of one event, written in the change's own
    transaction and delivered once: claimed with a lease, like a reminder."""

    __tablename__ = "follow_notices"
    __table_args__ = (
        UniqueConstraint("user_id", "event_id", "version", name="uq_follow_notices_user_event_version"),
        Index("ix_follow_notices_status_created", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=TEAM_ID_MAX)
    user_id: str = Field(max_length=USER_ID_MAX)
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False))
    # The event's version the notice is about: one change, one DM, whatever retries happen.
    version: int
    # The follow that matched, as the follower typed it, to say why they are told.
    query: str = Field(default="", max_length=TITLE_MAX)
    # added, changed, cancelled
    action: str = Field(max_length=16)
    # What changed, one line per field, already phrased ("When: 2 April 10:00 → 11:00").
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(sa_column=_instant())
    status: ReminderStatus = Field(sa_column=Column(StrEnumType(ReminderStatus, 16), nullable=False))
    attempts: int = 0
    # After a failure: not before this moment (the backoff, or what Slack's Retry-After asked).
    next_attempt_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    # As for a reminder: the last attempt may have posted the DM, so the next one looks first.
    may_have_posted: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    claimed_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    last_error: str | None = Field(default=None, max_length=500)


class HomeViewer(SQLModel, table=True):
    """Who opened the Home tab lately: their tab is published again when the schedule changes."""

    __tablename__ = "home_viewers"

    team_id: str = Field(primary_key=True, max_length=TEAM_ID_MAX)
    user_id: str = Field(primary_key=True, max_length=USER_ID_MAX)
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class ChangesSeen(SQLModel, table=True):
    """How far each user has read the schedule's changes with `/trip changes`: when they last
    read them, and the watermark below which every change has been shown to them (a change id on
    SQLite, a transaction id on PostgreSQL: see storage/changes.py). On PostgreSQL also the
    transactions at or above it whose changes that read saw (`seen_above`, see
    storage/changes.py for its spelling) and how many there are."""

    __tablename__ = "changes_seen"

    team_id: str = Field(primary_key=True, max_length=TEAM_ID_MAX)
    user_id: str = Field(primary_key=True, max_length=USER_ID_MAX)
    seen_until: datetime = Field(sa_column=_instant())
    seen_mark: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    seen_above: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    seen_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class EventClash(SQLModel, table=True):
    """One event's clash with another of the same person's (domain/travel.py), kept both ways
    round (a row for each event) so that a card reads its own rows. Rewritten whenever either
    event is saved; the clash is told to the channel once, whichever replica finds it."""

    __tablename__ = "event_clashes"

    event_id: int = Field(sa_column=Column(Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True))
    other_id: int = Field(
        sa_column=Column(Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, index=True)
    )
    team_id: str = Field(max_length=TEAM_ID_MAX)
    # overlap, travel
    kind: str = Field(max_length=16)
    # The other event's title as it was when either was last saved (each save rewrites it).
    other_title: str = Field(max_length=TITLE_MAX)
    # From this event's side: "impossible travel from Paris, 264 km".
    detail: str = Field(max_length=200)
    # Great-circle kilometres between the two cities; None when either is unknown.
    distance_km: int | None = None
    # Whom it concerns: the names the two events share.
    people: str = Field(default="", max_length=NAME_MAX)
    # On the row whose event_id is the smaller: when the clash was told (posted to the channel,
    # or shown to the editor who saved it). None: not told yet.
    noticed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    # On that row too, while a replica posts it: until when and which (a replica that dies
    # mid-post lets the lease lapse, and another posts it), then noticed_at. After a failed
    # post, claimed_until is when to try again, and attempts counts the failures.
    claimed_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    claimed_by: str | None = Field(default=None, max_length=64)
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
