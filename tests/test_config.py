from __future__ import annotations

import pytest

from infra.config import DEFAULT_DATABASE_URL, ConfigError, load_settings


def settings(env_file=None, **environ):
    return load_settings(environ, env_file=env_file)


def test_defaults():
    loaded = settings()
    assert loaded.database_url == DEFAULT_DATABASE_URL
    assert loaded.port == 3000
    assert loaded.newsroom_tz.key == "UTC"
    assert not loaded.slack_configured and not loaded.socket_mode


def test_values_are_normalised():
    loaded = settings(
        DATABASE_URL="postgres://u:p@db:5432/tripdesk",
        SLACK_API_URL="http://127.0.0.1:9999/api",
        SLACK_APP_TOKEN="xapp-1",
        SLACK_BOT_TOKEN="xoxb-1",
        TRIPDESK_TZ="Europe/Paris",
        TRIPDESK_CHANNEL="C0123ABC",
        PORT="8080",
    )
    assert loaded.database_url == "postgresql+psycopg://u:p@db:5432/tripdesk"
    assert loaded.slack_api_url == "http://127.0.0.1:9999/api/"
    assert loaded.socket_mode and loaded.port == 8080 and loaded.newsroom_tz.key == "Europe/Paris"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRIPDESK_TZ", "Mars/Olympus_Mons"),
        ("TRIPDESK_TZ", "../../etc/passwd"),
        ("PORT", "http"),
        ("PORT", "70000"),
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("DATABASE_URL", "not a url"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind"),
        ("SLACK_API_URL", "ftp://slack.example/"),
        ("TRIPDESK_CHANNEL", "#foreign-desk"),
    ],
)
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(ConfigError) as raised:
        settings(**{name: value})
    assert name in str(raised.value)
    assert "\n" not in str(raised.value)


def test_running_needs_the_tokens():
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        settings().require_slack()
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        settings(SLACK_BOT_TOKEN="xoxb-1").require_slack()
    settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s").require_slack()


def test_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("TRIPDESK_TZ=Europe/Paris\nPORT=4000\n")
    loaded = settings(env_file=env_file, PORT="5000")
    assert loaded.newsroom_tz.key == "Europe/Paris"
    assert loaded.port == 5000
