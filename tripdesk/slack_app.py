"""The Bolt app: one construction for HTTP mode, Socket Mode, the console and the tests."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

import handlers
from tripdesk.context import AppContext

log = logging.getLogger(__name__)


class _DropTokenSkippedWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment on its own and then warns that the token
    is unused because a client was given. The client does carry that token; the warning would
    only mislead an operator."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.App").addFilter(_DropTokenSkippedWarning())


def web_client(ctx: AppContext) -> WebClient:
    settings = ctx.settings
    return WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url or WebClient.BASE_URL, timeout=10)


def delivery_client(ctx: AppContext) -> WebClient:
    """The client for reminders and the agenda: no retries inside the client, because a post
    retried there after a lost response would appear twice; the deliverer retries itself."""
    client = web_client(ctx)
    client.retry_handlers = []
    client.timeout = 5
    return client


def create_app(ctx: AppContext, *, client: WebClient | None = None) -> App:
    app = App(
        signing_secret=ctx.settings.slack_signing_secret,
        client=client or web_client(ctx),  # carries the bot token and SLACK_API_URL
        # Checked by `bot.py` with a clear message instead; the console and tests have no Slack.
        token_verification_enabled=False,
    )

    @app.error
    def log_error(error: Exception, body: dict) -> None:
        log.error(
            "listener failed type=%s team=%s user=%s",
            body.get("type") or body.get("command"),
            (body.get("team") or {}).get("id") or body.get("team_id"),
            (body.get("user") or {}).get("id") or body.get("user_id"),
            exc_info=error,
        )

    handlers.register(app, ctx)
    return app
