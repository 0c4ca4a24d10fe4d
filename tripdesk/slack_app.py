"""The Bolt app: one construction for HTTP mode, Socket Mode, the console and the tests."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

import handlers
from handlers.context import AppContext, provide
from infra.config import Settings
from infra.logs import ContextExecutor, request_id, request_scope

log = logging.getLogger(__name__)


class _DropTokenSkippedWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment on its own and then warns that the token
    is unused because a client was given. The client does carry that token; the warning would
    only mislead an operator."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.App").addFilter(_DropTokenSkippedWarning())


# Listeners call Slack before they acknowledge (opening a form, checking a channel): a call
# must give up in time for the acknowledgement to reach Slack within its 3 seconds.
REQUEST_TIMEOUT = 2
# What listeners leave for after their answer (handlers/afterwards.py) runs on Bolt's executor:
# as many threads as the server's own worker threads (Starlette's default, 40), so a burst of
# clicks whose replies go through the response_url does not queue twice.
LISTENER_THREADS = 40


def web_client(settings: Settings, *, timeout: int = REQUEST_TIMEOUT) -> WebClient:
    return WebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url or WebClient.BASE_URL, timeout=timeout
    )


def delivery_client(settings: Settings) -> WebClient:
    """The client for reminders and the agenda: no retries inside the client, because a post
    retried there after a lost response would appear twice; the deliverer retries itself."""
    client = web_client(settings, timeout=5)
    client.retry_handlers = []
    return client


def create_app(ctx: AppContext, *, client: WebClient | None = None) -> App:
    app = App(
        signing_secret=ctx.settings.slack_signing_secret,
        listener_executor=ContextExecutor(max_workers=LISTENER_THREADS),
        client=client or web_client(ctx.settings),  # carries the bot token and SLACK_API_URL
        # auth.test now, once: Bolt would otherwise call it on the first request, and a Slack
        # outage at that moment would fail the request. `bot.py` checks the token before this,
        # to say clearly what is wrong with it.
        token_verification_enabled=True,
        # The listener runs on the thread that received the request and its answer leaves when it
        # returns. Bolt's default runs it on another thread and polls for ack() every 10 ms:
        # 10 ms added to every answer. Work that must follow the answer is handed to
        # handlers/afterwards.py.
        process_before_response=True,
    )

    app.middleware(request_ids)
    app.middleware(provide(ctx))
    handlers.register(app)
    return app


def request_ids(next: Callable[[], BoltResponse]) -> BoltResponse:
    # The HTTP server and the Socket Mode handler name each request before dispatching it;
    # the console does not.
    if request_id() is not None:
        return next()
    with request_scope():
        return next()
