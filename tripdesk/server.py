"""HTTP mode: Slack's requests, the health check and the live calendar feed, served by uvicorn.

Bolt's App is synchronous; each request is dispatched on a worker thread so that a slow query
never holds up the event loop and requests are served concurrently.

Anyone on the internet can POST to the events URL, so nothing about a request is trusted before
its signature is: the size is capped while the body arrives, the signature is checked before the
body is parsed, and both the check and the parsing run on a worker thread, never on the event
loop that serves every other request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import partial

import anyio
import uvicorn
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from domain.commands import MAX_QUERY_LENGTH
from domain.search import query_words
from infra.logs import request_scope
from services.calendar_feed import FeedCache, feed_body, feed_gzipped, open_feed, warm_feeds
from storage.db import ping
from tripdesk.slack_request import SlackRequest

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
# A submitted form, the largest request Slack sends, carries its whole view: well under this.
MAX_BODY_BYTES = 1024 * 1024
# Slack's own rule: a request signed more than five minutes ago (or ahead) is a replay.
MAX_CLOCK_SKEW_SECONDS = 5 * 60
# Calendar requests answered at once; the rest wait (see asgi_app).
FEED_THREADS = 4


class _DropBoltRefusals(logging.Filter):
    """Bolt checks the signature again after the server has, and logs a request it refuses with
    its whole body: the text typed, the `token` field and a `response_url` that lets anyone post
    as the app for half an hour. The server has already logged the refusal, without the body."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


logging.getLogger("slack_bolt.RequestVerification").addFilter(_DropBoltRefusals())


def asgi_app(
    *,
    engine: Engine,
    bolt: App | None,
    on_shutdown: Callable[[], None] | None = None,
    signing_secret: str | None = None,
) -> Starlette:
    """The web app; without `bolt` (Socket Mode) it serves the health check and the calendar feed.

    `signing_secret` defaults to the one `bolt` was built with. `on_shutdown` runs when the
    server stops (SIGTERM included), before the process exits: uvicorn re-raises the signal once
    it has shut down, so code after `serve()` never runs.
    """

    async def healthz(_request: Request) -> Response:
        healthy = await run_in_threadpool(ping, engine)
        return JSONResponse({"database": "ok" if healthy else "unavailable"}, status_code=200 if healthy else 503)

    feeds = FeedCache()
    # Calendar clients get worker threads of their own, a few: a burst of them (or someone
    # asking for query feed after query feed) waits its turn instead of taking the threads
    # Slack's requests must be answered on within 3 seconds.
    feed_threads = anyio.CapacityLimiter(FEED_THREADS)

    async def calendar(request: Request) -> Response:
        answer = partial(
            calendar_response, engine, feeds, request.path_params["token"], request.query_params, request.headers
        )
        return await anyio.to_thread.run_sync(answer, limiter=feed_threads)

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        # Served in both modes: calendar clients fetch it from the internet, not through Slack.
        Route("/calendar/{token}.ics", calendar, methods=["GET", "HEAD"]),
    ]
    if bolt is not None:
        # Bolt keeps the secret it verifies with to itself; the server must verify first.
        verifier = SignatureVerifier(signing_secret or bolt._signing_secret)

        async def slack_events(request: Request) -> Response:
            source = request.client.host if request.client else "unknown"
            declared = request.headers.get("content-length")
            if declared is not None and (not _is_number(declared) or int(declared) > MAX_BODY_BYTES):
                return _refused(413, "too large", declared, source)
            timestamp = request.headers.get("x-slack-request-timestamp", "")
            signature = request.headers.get("x-slack-signature", "")
            if (problem := _header_problem(timestamp, signature)) is not None:
                # Refused without reading the body: it cannot be from Slack whatever it holds.
                return _refused(401, problem, declared or "unknown", source)
            try:
                body = await _read_at_most(request, MAX_BODY_BYTES)
            except ClientDisconnect:
                return Response(status_code=400)
            if body is None:
                return _refused(413, "too large", f">{MAX_BODY_BYTES}", source)
            return await run_in_threadpool(
                _verify_and_dispatch,
                bolt,
                verifier,
                body,
                timestamp,
                signature,
                request.headers,
                request.query_params,
                source,
            )

        routes.append(Route(EVENTS_PATH, slack_events, methods=["POST"]))

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        threading.Thread(target=_warm, args=(engine, feeds), name="calendar-feeds", daemon=True).start()
        yield
        if on_shutdown is not None:
            await run_in_threadpool(on_shutdown)

    return Starlette(routes=routes, lifespan=lifespan)


def calendar_response(
    engine: Engine, feeds: FeedCache, token: str, query: Mapping[str, str], headers: Mapping[str, str]
) -> Response:
    """The live calendar feed, on a worker thread: the stamp query, and a render when the
    schedule changed, must not hold up the event loop.

    No content negotiation (Google's fetcher sends no Accept header): always text/calendar.
    """
    q = query.get("q", "")
    if len(q) > MAX_QUERY_LENGTH or (q.strip() and not query_words(q)) or not q.isprintable():
        return PlainTextResponse("Bad query.\n", status_code=400)
    with request_scope():
        started = time.perf_counter()
        try:
            state = open_feed(engine, token=token, query=q)
        except SQLAlchemyError:
            log.exception("calendar feed: the database is unavailable")
            return PlainTextResponse("Unavailable.\n", status_code=503, headers={"Retry-After": "60"})
        if state is None:
            # Starlette's own answer to an address it has no route for: a wrong, malformed or
            # rotated secret looks like any other unknown address.
            return PlainTextResponse("Not Found", status_code=404)
        gzipped = _accepts_gzip(headers.get("accept-encoding", ""))
        validators = {
            "ETag": state.gzip_etag if gzipped else state.etag,
            "Last-Modified": format_datetime(state.last_modified.astimezone(UTC), usegmt=True),
            # Private: the address is the secret, so no shared cache may keep the schedule.
            "Cache-Control": "private, max-age=300",
            "Vary": "Accept-Encoding",
        }
        if _not_modified(headers, (state.etag, state.gzip_etag), state.last_modified):
            log.info("calendar feed team=%s status=304 ms=%.0f", state.team_id, (time.perf_counter() - started) * 1000)
            return Response(status_code=304, headers=validators)
        try:
            body = feed_gzipped(engine, feeds, state) if gzipped else feed_body(engine, feeds, state)
        except SQLAlchemyError:
            log.exception("calendar feed: the database is unavailable")
            return PlainTextResponse("Unavailable.\n", status_code=503, headers={"Retry-After": "60"})
        log.info(
            "calendar feed team=%s status=200 bytes=%s ms=%.0f",
            state.team_id,
            len(body),
            (time.perf_counter() - started) * 1000,
        )
        if gzipped:
            validators["Content-Encoding"] = "gzip"
        # For HEAD, uvicorn sends these headers (Content-Length included) without the body.
        return Response(body, media_type="text/calendar; charset=utf-8", headers=validators)


def _warm(engine: Engine, feeds: FeedCache) -> None:
    started = time.perf_counter()
    try:
        count = warm_feeds(engine, feeds)
    except SQLAlchemyError:
        # Not fatal: each feed is rendered on its first request instead.
        log.exception("calendar feeds could not be rendered at start")
        return
    log.info("calendar feeds rendered at start count=%s ms=%.0f", count, (time.perf_counter() - started) * 1000)


def _accepts_gzip(accepted: str) -> bool:
    for coding in accepted.lower().split(","):
        name, _, parameters = coding.strip().partition(";")
        if name.strip() in ("gzip", "x-gzip", "*"):
            quality = parameters.strip().removeprefix("q=").strip()
            return not parameters.strip().startswith("q=") or quality not in ("0", "0.0", "0.00", "0.000")
    return False


def _not_modified(headers: Mapping[str, str], etags: tuple[str, ...], last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when it is sent (weakly: either encoding's tag will do);
    else If-Modified-Since, to the second."""
    if (wanted := headers.get("if-none-match")) is not None:
        tags = [tag.strip().removeprefix("W/") for tag in wanted.split(",")]
        return "*" in tags or any(etag in tags for etag in etags)
    if (since := headers.get("if-modified-since")) is not None:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            return False
        return last_modified.replace(microsecond=0) <= when
    return False


def _is_number(text: str) -> bool:
    # isdigit() alone accepts "²", which int() refuses; a 5,000-digit number int() refuses too.
    return text.isascii() and text.isdigit() and len(text) <= 20


def _header_problem(timestamp: str, signature: str) -> str | None:
    if not _is_number(timestamp) or not signature:
        return "no signature"
    if abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return "stale timestamp"
    return None


async def _read_at_most(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as more than `limit` bytes have come (a chunked body declares
    no length, and a declared one may be a lie)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _refused(status: int, reason: str, size: str | int, source: str) -> Response:
    """One line per refused request, never its body: the body is whatever the sender chose to put
    in the logs, and a genuine request refused by mistake (a wrong signing secret) carries
    `response_url`s and what people typed."""
    with request_scope():
        log.warning("slack request refused status=%s reason=%s bytes=%s from=%s", status, reason, size, source)
    message = "request too large" if status == 413 else "invalid request"
    # Closing the connection is what stops the rest of an unread body from being received (and
    # thrown away) at all.
    return JSONResponse({"error": message}, status_code=status, headers={"Connection": "close"})


def _verify_and_dispatch(
    bolt: App,
    verifier: SignatureVerifier,
    body: bytes,
    timestamp: str,
    signature: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    source: str,
) -> Response:
    """On a worker thread: hashing a megabyte, or parsing a body nested ten thousand deep, must
    not stop the event loop from serving everyone else meanwhile."""
    if not verifier.is_valid(body, timestamp, signature):
        return _refused(401, "bad signature", len(body), source)
    try:
        slack_request = SlackRequest(body=body.decode("utf-8"), query=query, headers=headers)
    except (ValueError, TypeError, AttributeError, RecursionError):
        # Signed, yet not a body Slack sends (not UTF-8, a JSON array, nested too deep to parse):
        # Bolt would fail on it with a 500.
        return _refused(400, "unreadable body", len(body), source)
    return to_starlette_response(_dispatch(bolt, slack_request, headers.get("x-slack-retry-num")))


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
