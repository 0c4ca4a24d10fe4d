"""The drafts modal and the form filled in from a draft, within Slack's limits."""

from __future__ import annotations

from datetime import date

from blocks.drafts import drafts_view, form_fields, paste_view, prefilled
from blocks.event_form import event_modal
from domain.stories.model import Moment, StoryDraft
from domain.stories.review import form_values
from domain.vocabulary import Precision
from domain.zones import zone
from tests.support.block_kit_limits import view_problems


def many(count: int) -> list[StoryDraft]:
    return [
        StoryDraft(
            title=f"<!channel> meeting {i} " + "x" * 400,
            evidence="<@U0BOSS> said & " + "y" * 5000,
            participants=tuple(f"Person {n} " + "z" * 150 for n in range(30)),
            city="Paris",
            start=Moment(date(2024, 4, 2), Precision.DAY),
        )
        for i in range(count)
    ]


def mrkdwn_texts(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "mrkdwn" else []
        return found + [t for value in node.values() for t in mrkdwn_texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in mrkdwn_texts(value)]
    return []


def test_many_long_drafts_fit_one_view():
    drafts = many(40)
    view = drafts_view(
        set_id=1,
        reference=date(2024, 4, 1),
        drafts=drafts,
        outcomes={},
        matches=[None] * 40,
        channel_id="C0FOREIGN",
        editor=True,
    )
    assert view_problems(view) == [] and len(view["blocks"]) <= 100
    # Plain text is shown as typed; mrkdwn would act on a mention, so there it is escaped.
    text = "\n".join(mrkdwn_texts(view))
    assert "<!channel>" not in text and "<@U0BOSS>" not in text and "&lt;!channel&gt;" in text
    assert "20 more drafts not shown" in text


def test_the_paste_form_allows_slacks_longest_text():
    view = paste_view(metadata={"c": "C0FOREIGN"})
    assert view_problems(view) == []
    (story,) = [b for b in view["blocks"] if b["block_id"] == "story"]
    assert story["element"]["max_length"] == 3000 and story["element"]["multiline"]


def test_the_form_filled_in_from_a_long_draft_stays_within_limits():
    (long,) = many(1)
    form = event_modal(event=None, trips=[], channel_id=None, newsroom_tz=zone("Europe/Paris"), metadata={})
    values = form_fields(form_values(long, channel_id="C0FOREIGN", source_url="https://example.com/a"))
    filled = prefilled(form, values, callback_id="draft_review", metadata={"d": 1, "i": 0})
    assert view_problems(filled) == []
    fields = {b["block_id"]: b["element"] for b in filled["blocks"] if b["type"] == "input"}
    assert len(fields["title"]["initial_value"]) <= fields["title"]["max_length"]
    assert len(fields["notes"]["initial_value"]) <= fields["notes"]["max_length"]
    assert fields["precision"]["initial_option"]["value"] == "day"
    assert "initial_time" not in fields["start_time"]
    assert filled["callback_id"] == "draft_review" and form["callback_id"] == "event_form"  # the original untouched
