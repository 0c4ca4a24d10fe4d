"""manifest.json creates a Slack app that has what the code uses."""

import json

from tests.support.samples import ROOT


def test_manifest_declares_what_tripdesk_uses():
    manifest = json.loads((ROOT / "manifest.json").read_text())
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/trip" and command["usage_hint"] and command["description"]
    assert {"commands", "chat:write", "channels:join", "channels:read", "users:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    # The time-zone select loads its options from the app (external_select).
    assert settings["interactivity"]["message_menu_options_url"].endswith("/slack/events")
    assert {"usergroups:read", "channels:join", "groups:read"} <= set(manifest["oauth_config"]["scopes"]["bot"])
    assert settings["socket_mode_enabled"] is True
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert len(manifest["display_information"]["name"]) <= 35


def test_the_message_shortcut_is_the_one_the_app_listens_for():
    from handlers.shortcuts.draft_story import CALLBACK_ID

    manifest = json.loads((ROOT / "manifest.json").read_text())
    (shortcut,) = manifest["features"]["shortcuts"]
    assert shortcut["type"] == "message" and shortcut["callback_id"] == CALLBACK_ID
    # Slack refuses a shortcut name over 24 characters, and a description over 150.
    assert 0 < len(shortcut["name"]) <= 24 and 0 < len(shortcut["description"]) <= 150
    assert "draft" in manifest["features"]["slash_commands"][0]["usage_hint"]
