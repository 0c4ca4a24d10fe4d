"""The checker itself must catch what Slack refuses, or the other tests prove nothing."""

from tests.support.block_kit_limits import message_problems, view_problems


def section(text):
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_catches_message_limits():
    assert message_problems({"blocks": [section("x")]}) == ["no plain-text fallback (text)"]
    assert "51 blocks, over 50" in message_problems({"text": "t", "blocks": [section("x")] * 51})
    assert any("3001 characters" in p for p in message_problems({"text": "t", "blocks": [section("x" * 3001)]}))
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert any("151 characters" in p for p in message_problems({"text": "t", "blocks": [header]}))
    button = {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "b" * 76}, "value": "v"}
    assert any(
        "button" in p for p in message_problems({"text": "t", "blocks": [{"type": "actions", "elements": [button]}]})
    )


def test_catches_view_limits():
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "A title that is too long!"},
        "blocks": [section("x")] * 101,
    }
    problems = view_problems(modal)
    assert "101 blocks, over 100" in problems
    assert any("view title" in p for p in problems)
    assert view_problems(
        {"type": "modal", "title": {"type": "plain_text", "text": "ok"}, "private_metadata": "x" * 3001, "blocks": []}
    )


def test_catches_text_inputs_that_cannot_hold_their_text():
    def form(element):
        label = {"type": "plain_text", "text": "Notes"}
        block = {"type": "input", "block_id": "notes", "label": label, "element": element}
        return {"type": "modal", "title": {"type": "plain_text", "text": "ok"}, "blocks": [block]}

    text_input = {"type": "plain_text_input", "action_id": "notes"}
    assert view_problems(form(text_input)) == []
    assert any("max_length 4000" in p for p in view_problems(form({**text_input, "max_length": 4000})))
    too_long = {**text_input, "max_length": 10, "initial_value": "x" * 11}
    assert any("initial_value: 11 characters" in p for p in view_problems(form(too_long)))
    placeholder = {**text_input, "placeholder": {"type": "plain_text", "text": "p" * 151}}
    assert any("placeholder" in p for p in view_problems(form(placeholder)))
