"""The production web app (Bolt behind Starlette) served by uvicorn on a loopback port."""

from __future__ import annotations

import socket
import threading
import time
from concurrent import futures

import httpx
import uvicorn

from tests.support.slack_requests import (
    block_actions_body,
    block_suggestion_body,
    command_body,
    event_body,
    message_action_body,
    sign,
    view_submission_body,
)


class ListenerWatch:
    """Everything the Bolt app runs on its executor (the work listeners leave for after their
    answer, handlers/afterwards.py), so that a test can wait for all of it to return. That work
    is handed to the executor before the request is answered, so once a request's answer has
    arrived, `settle` covers whatever that request went on to do."""

    def __init__(self, bolt):
        executor = bolt.listener_runner.listener_executor
        submit = executor.submit
        self._started: list[futures.Future] = []
        self._lock = threading.Lock()

        def watched_submit(fn, /, *args, **kwargs):
            future = submit(fn, *args, **kwargs)
            with self._lock:
                self._started.append(future)
            return future

        executor.submit = watched_submit

    def settle(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                started = list(self._started)
            _done, running = futures.wait(started, timeout=max(0.0, deadline - time.monotonic()))
            assert not running, f"{len(running)} listener(s) still running after {timeout} s"
            with self._lock:
                if len(self._started) == len(started):
                    return


class BotServer:
    def __init__(self, asgi, *, bolt=None):
        """`bolt` is the app inside `asgi`, for `settle`."""
        self._listeners = ListenerWatch(bolt) if bolt is not None else None
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)

    def start(self) -> BotServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.http.close()
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until every listener started so far has returned: a check that something did
        not happen, made after this, cannot be early."""
        assert self._listeners is not None, "BotServer was made without its Bolt app"
        self._listeners.settle(timeout)

    # -- Slack's side of the conversation --------------------------------------------------
    def post_signed(self, body: str, content_type: str, *, headers: dict | None = None, **sign_args) -> httpx.Response:
        headers = {"Content-Type": content_type, **sign(body, **sign_args), **(headers or {})}
        return self.http.post("/slack/events", content=body.encode(), headers=headers)

    def command(self, text: str, **fields) -> httpx.Response:
        return self.post_signed(command_body(text, **fields), "application/x-www-form-urlencoded")

    def action(self, action: dict, **fields) -> httpx.Response:
        return self.post_signed(block_actions_body(dict(action), **fields), "application/x-www-form-urlencoded")

    def event(self, event: dict, **fields) -> httpx.Response:
        return self.post_signed(event_body(event, **fields), "application/json")

    def submit(self, view: dict, **fields) -> httpx.Response:
        return self.post_signed(view_submission_body(view, **fields), "application/x-www-form-urlencoded")

    def shortcut(self, message: dict, callback_id: str, **fields) -> httpx.Response:
        return self.post_signed(
            message_action_body(message, callback_id=callback_id, **fields), "application/x-www-form-urlencoded"
        )

    def suggest(self, action_id: str, value: str, **fields) -> httpx.Response:
        return self.post_signed(block_suggestion_body(action_id, value, **fields), "application/x-www-form-urlencoded")
