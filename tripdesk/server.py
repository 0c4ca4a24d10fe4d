"""HTTP mode: Slack's requests and the health check, served by uvicorn.

Bolt's App is synchronous; each request is dispatched on a worker thread so that a slow query
never holds up the event loop and requests are served concurrently.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import asynccontextmanager

import uvicorn
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_starlette_response
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from storage.db import ping
from tripdesk.logs import request_scope
from tripdesk.slack_request import SlackRequest

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def asgi_app(*, engine: Engine, bolt: App | None, on_shutdown: Callable[[], None] | None = None) -> Starlette:
    """The web app; without `bolt` (Socket Mode) it serves only the health check.

    `on_shutdown` runs when the server stops (SIGTERM included), before the process exits:
    uvicorn re-raises the signal once it has shut down, so code after `serve()` never runs.
    """

    async def healthz(_request: Request) -> Response:
        healthy = await run_in_threadpool(ping, engine)
        return JSONResponse({"database": "ok" if healthy else "unavailable"}, status_code=200 if healthy else 503)

    routes = [Route("/healthz", healthz, methods=["GET"])]
    if bolt is not None:

        async def slack_events(request: Request) -> Response:
            if not request.headers.get("x-slack-request-timestamp", "").isdigit():
                # Bolt's verifier would fail on a timestamp that is not a number with a 500.
                return JSONResponse({"error": "invalid request"}, status_code=401)
            body = await request.body()
            try:
                slack_request = SlackRequest(
                    body=body.decode("utf-8", "replace"), query=request.query_params, headers=request.headers
                )
            except (ValueError, TypeError, AttributeError):
                # Not a body Slack sends (a JSON array, broken JSON): Bolt fails on it before
                # checking the signature.
                return JSONResponse({"error": "invalid request"}, status_code=400)
            response = await run_in_threadpool(_dispatch, bolt, slack_request, request.headers.get("x-slack-retry-num"))
            return to_starlette_response(response)

        routes.append(Route(EVENTS_PATH, slack_events, methods=["POST"]))

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        yield
        if on_shutdown is not None:
            await run_in_threadpool(on_shutdown)

    return Starlette(routes=routes, lifespan=lifespan)


def _dispatch(bolt: App, request: SlackRequest, retry: str | None) -> BoltResponse:
    """Dispatch on this worker thread under a new request id, and log the request in one line."""
    with request_scope():
        started = time.perf_counter()
        response = bolt.dispatch(request)
        log_request(request, response.status, started, retry)
        return response


def log_request(request: BoltRequest, status: int, started: float, retry: str | int | None) -> None:
    """The one line per request from Slack, over HTTP or Socket Mode; `started` is a
    `time.perf_counter()` reading taken before dispatching."""
    body = request.body
    log.info(
        "slack request kind=%s name=%s team=%s user=%s status=%s ms=%.0f%s",
        body.get("type") or ("slash_command" if body.get("command") else None),
        _name(body),
        request.context.team_id,
        request.context.user_id,
        status,
        (time.perf_counter() - started) * 1000,
        f" retry={retry}" if retry else "",
    )


def _name(body: dict) -> str | None:
    """The command, action, form or event a request is about: what an operator looks for."""
    # Also logged for refused requests, whose bodies can be anything.
    actions = body.get("actions")
    for found in (
        body.get("command"),
        actions[0] if isinstance(actions, list) and actions else None,
        body.get("view"),
        body.get("event"),
    ):
        if isinstance(found, str):
            return found
        if isinstance(found, dict):
            name = found.get("action_id") or found.get("callback_id") or found.get("type")
            return name if isinstance(name, str) else None
    return None


def serve(app: Starlette, *, port: int, host: str = "0.0.0.0") -> None:
    # log_config=None: uvicorn's lines go through the same one-line JSON logging as ours.
    uvicorn.run(
        app, host=host, port=port, log_level="info", log_config=None, access_log=False, timeout_graceful_shutdown=3
    )
