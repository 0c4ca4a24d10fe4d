"""The floors: what any Slack app on TripDesk's own server stack (Starlette, uvicorn, a worker
thread per request) costs before it does anything.

python -m bench.floor_app KIND PORT SIGNING_SECRET SLACK_API_URL

KIND is `raw` (the signature verified with slack_sdk's SignatureVerifier, a fixed ephemeral
JSON returned: no Bolt at all), `bolt` (a Bolt app with one no-op /trip, Bolt's defaults) or
`bolt-pbr` (the same with process_before_response=True, as TripDesk runs).
"""

from __future__ import annotations

import sys

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tripdesk.server import EVENTS_PATH, serve

KINDS = ("raw", "bolt", "bolt-pbr")
REPLY = {"response_type": "ephemeral", "text": "ok"}


def raw_app(secret: str) -> Starlette:
    # Imported here so that the Bolt floors' start-up is not charged for it, nor this one for Bolt.
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(secret)

    def answer(body: bytes, timestamp: str, signature: str) -> Response:
        if not verifier.is_valid(body, timestamp, signature):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        return JSONResponse(REPLY)

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        # On a worker thread, as TripDesk verifies and answers.
        return await run_in_threadpool(
            answer,
            body,
            request.headers.get("x-slack-request-timestamp", ""),
            request.headers.get("x-slack-signature", ""),
        )

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"database": "ok"})

    return Starlette(
        routes=[Route("/healthz", healthz, methods=["GET"]), Route(EVENTS_PATH, slack_events, methods=["POST"])]
    )


def bolt_app(secret: str, api_url: str, *, process_before_response: bool) -> Starlette:
    from slack_bolt import App
    from slack_sdk import WebClient

    from storage.db import make_engine
    from tripdesk.server import asgi_app

    app = App(
        signing_secret=secret,
        client=WebClient(token="xoxb-floor", base_url=api_url),
        token_verification_enabled=False,
        process_before_response=process_before_response,
    )

    @app.command("/trip")
    def noop(ack) -> None:
        ack()

    return asgi_app(engine=make_engine("sqlite://"), bolt=app)


def main(kind: str, port: int, secret: str, api_url: str) -> None:
    if kind not in KINDS:
        raise SystemExit(f"KIND is one of {', '.join(KINDS)}")
    app = raw_app(secret) if kind == "raw" else bolt_app(secret, api_url, process_before_response=kind == "bolt-pbr")
    serve(app, port=port, host="127.0.0.1")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
