"""The floor: a minimal Bolt app with one no-op /trip, on TripDesk's own server stack.

python -m bench.floor_app PORT SIGNING_SECRET SLACK_API_URL
"""

from __future__ import annotations

import sys

from slack_bolt import App
from slack_sdk import WebClient

from storage.db import make_engine
from tripdesk.server import asgi_app, serve


def main(port: int, secret: str, api_url: str) -> None:
    app = App(
        signing_secret=secret, client=WebClient(token="xoxb-floor", base_url=api_url), token_verification_enabled=False
    )

    @app.command("/trip")
    def noop(ack) -> None:
        ack()

    serve(asgi_app(engine=make_engine("sqlite://"), bolt=app), port=port, host="127.0.0.1")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
