"""HTTP mode: Slack's requests and the health check, served by uvicorn.

Bolt's App is synchronous; each request is dispatched on a worker thread so that a slow query
never holds up the event loop and requests are served concurrently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import asynccontextmanager

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_starlette_response
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from storage.db import ping
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
            slack_request = SlackRequest(body=body.decode("utf-8"), query=request.query_params, headers=request.headers)
            response = await run_in_threadpool(bolt.dispatch, slack_request)
            return to_starlette_response(response)

        routes.append(Route(EVENTS_PATH, slack_events, methods=["POST"]))

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        yield
        if on_shutdown is not None:
            await run_in_threadpool(on_shutdown)

    return Starlette(routes=routes, lifespan=lifespan)


def serve(app: Starlette, *, port: int, host: str = "0.0.0.0") -> None:
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, timeout_graceful_shutdown=3)
