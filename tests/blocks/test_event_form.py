"""The modal and dialogs within Block Kit's limits at their largest."""

from datetime import UTC, datetime, timedelta

from blocks.event_form import clash_warning_view, event_modal, read_form, zone_options
from blocks.notices import assign_modal, confirm_modal, saved_view
from domain.travel import Clash, ClashKind, PersonClash, Whereabouts
from domain.vocabulary import Precision
from domain.zones import all_zone_names, zone
from storage.models import Coverage, Trip
from tests.support.block_kit_limits import view_problems
from tests.support.event_rows import event

NOW = datetime(2024, 4, 1, tzinfo=UTC)


def test_the_largest_modal_fits():
    trips = [Trip(id=i, team_id="T", principal="P" * 200, name="N" * 200, created_at=NOW) for i in range(90)]
    big = event(
        title="T" * 300,
        venue="V" * 200,
        city="C" * 120,
        country="K" * 120,
        notes="n" * 4000,
        participants=["x" * 200] * 50,
        lead_times="10080,1440,60,15,0",
        channel_id="C0FOREIGN",
    )
    view = event_modal(
        event=big,
        trips=trips,
        channel_id="C0FOREIGN",
        newsroom_tz=zone("Europe/Paris"),
        metadata={"e": 123456789, "v": 987654},
    )
    assert view_problems(view) == []
    assert len(view["title"]["text"]) <= 24
    assert view_problems(event_modal(event=None, trips=[], channel_id=None, newsroom_tz=zone("UTC"), metadata={})) == []


def test_dialogs_fit():
    big = event(title="T" * 300)
    big.coverage = [Coverage(event_id=1, user_id=f"U{i:08d}", assigned_by="U", assigned_at=NOW) for i in range(30)]
    for view in (
        confirm_modal(big, verb="cancel"),
        confirm_modal(big, verb="delete"),
        assign_modal(big),
        saved_view(big, created=True, channel_id="C1"),
    ):
        assert view_problems(view) == []


def test_zone_options_never_exceed_a_hundred():
    assert len(zone_options("", all_zone_names(), newsroom_tz=zone("UTC"))) == 100
    assert [o["value"] for o in zone_options("paris", all_zone_names(), newsroom_tz=zone("UTC"))] == ["Europe/Paris"]


def test_reading_a_malformed_state_gives_empty_values():
    form = read_form(
        {
            "title": {"title": {"value": 42}},
            "kind": "nonsense",
            "lead_times": {"lead_times": {"selected_options": [{"value": 1}, "x"]}},
        }
    )
    assert form.title == "" and form.kind is None and form.lead_times == ()


def test_the_clash_warning_always_shows_how_many_more_even_with_long_titles():
    def where(n: int, city: str) -> Whereabouts:
        start = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
        return Whereabouts(
            id=n,
            title="Talks & <more> " * 60,
            starts_at=start,
            finishes_at=start,
            ends_at=None,
            precision=Precision.EXACT,
            tz="Europe/Paris",
            city=city * 20,
            country="France",
            coordinates=None,
        )

    me = where(1, "Paris")
    clashes = [
        PersonClash(Clash(ClashKind.OVERLAP, me, where(n, "Lyon"), None, timedelta(0)), ("Antony Blinken " * 10,))
        for n in range(2, 10)
    ]
    form = event_modal(event=None, trips=[], channel_id=None, newsroom_tz=zone("UTC"), metadata={})
    view = clash_warning_view(form, clashes, event_id=1)
    (warning,) = [b for b in view["blocks"] if b.get("block_id") == "clash_warning"]
    text = warning["elements"][0]["text"]
    assert len(text) <= 2000 and text.endswith("\nand 3 more")
    assert len(text.splitlines()) == 6 and "Talks &amp; &lt;more" in text
    assert view_problems(view) == []
