"""An empty TRIPDESK_EDITORS lets everyone change the schedule: allowed, and said at each start."""

from __future__ import annotations

import json

import pytest

from tests.support.bot_process import bot_env, start_bot, stop_bots

WARNING = "TRIPDESK_EDITORS is empty: everyone in the workspace can change the schedule"


@pytest.mark.parametrize(("editors", "warned"), [("", True), ("U0EDITOR,S0DESK", False)])
def test_an_empty_editors_list_is_a_warning_at_start(tmp_path, database_url, engine, fake_slack, editors, warned):
    bot, _ = start_bot({**bot_env(tmp_path, database_url, fake_slack), "TRIPDESK_EDITORS": editors}, tmp_path)
    stop_bots(bot)
    entries = [json.loads(line) for line in open(bot.log_path).read().splitlines() if line.strip()]
    found = [e for e in entries if e["msg"] == WARNING]
    assert [e["level"] for e in found] == (["warning"] if warned else [])
