"""Clashes that arrive together are told in one message, within Block Kit's limits."""

from __future__ import annotations

from blocks.notices import SUMMARY_LINES, clash_summary
from tests.support.block_kit_limits import message_problems
from tests.support.event_rows import event


def test_hundreds_of_clashes_fit_one_message_and_count_the_rest():
    long = "Talks on Ukraine & <the> region " * 20
    clashes = [
        (
            event(2 * n, title=long, city="Paris"),
            event(2 * n + 1, title=long, city="Washington"),
            "overlap",
            "A" * 300,
            None,
        )
        for n in range(500)
    ]
    message = clash_summary(clashes)
    assert message_problems(message) == []
    assert message["text"].startswith("500 clashes on the schedule")
    lines = [line for b in message["blocks"] if b["type"] == "section" for line in b["text"]["text"].splitlines()]
    assert len(lines) == SUMMARY_LINES and all("&amp; &lt;the&gt;" in line for line in lines)
    assert message["blocks"][-1]["elements"][0]["text"] == f"and {500 - SUMMARY_LINES} more — see the events' cards"


def test_a_few_clashes_are_all_listed():
    clashes = [(event(0, city="Paris"), event(1, city="Brussels"), "travel", "Antony Blinken", 264)] * 2
    message = clash_summary(clashes)
    assert message_problems(message) == []
    text = message["blocks"][1]["text"]["text"]
    assert text.count("Antony Blinken: impossible travel: Paris → Brussels (264 km)") == 2
    assert "more" not in message["blocks"][-1].get("text", {}).get("text", "")
