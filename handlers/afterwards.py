"""Work a listener leaves for after its answer: notices, DMs, replies through the response_url,
views updated or pushed, a feed's first sync.

The app runs with `process_before_response=True`: a listener runs on the thread that answers
Slack, and its answer leaves when the listener returns. Bolt's default instead runs it on another
thread and polls for `ack()` every 10 ms, which made every answer wait 10 ms or more. So nothing
slow may follow `ack()` inside a listener, nor anything that can raise (an error after `ack()`
would replace the answer already given with the error handler's): what must follow the answer is handed to
`afterwards(context, work, …)`, and runs, in the order given, on Bolt's listener executor once
the listener has returned, while the answer goes out. Bolt's own lazy listeners would do the
same, but copy the whole request (and parse its body again) for every request to such a
listener, whether it has anything to do afterwards or not.

Once that work is done the request's replay key is finished (handlers/replays.py); if the work
raised, the error handler tells the user as it would have, and the key is released.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial

from slack_bolt import App, BoltContext, Respond
from slack_bolt.listener.listener_completion_handler import CustomListenerCompletionHandler

from handlers.errors import on_error
from handlers.replays import after_listener, listener_failed, settles

log = logging.getLogger(__name__)
KEY = "afterwards"


def afterwards(context: BoltContext, work: Callable[..., object], /, *args: object, **kwargs: object) -> None:
    """Call `work(*args, **kwargs)` once the listener has returned and its answer is on its way."""
    steps = context.get(KEY)
    if not isinstance(steps, list):
        context[KEY] = steps = []
    steps.append(partial(work, *args, **kwargs))


def install(app: App) -> None:
    executor = app.listener_runner.listener_executor

    def completed(body: dict, context: BoltContext, respond: Respond | None) -> None:
        # A listener that raised has been answered by the error handler: what it left for after
        # an answer it did not give is not done.
        steps = None if listener_failed(context) else context.get(KEY)
        if steps or settles(context):
            # Bolt 1.30 calls this hook after every listener (after the error handler when one
            # raised) before the answer is returned: handing over to the executor here is what
            # lets the answer go without waiting for the work.
            _submit(executor, partial(_run, steps or [], body, context, respond))

    app.listener_runner.listener_completion_handler = CustomListenerCompletionHandler(logger=log, func=completed)


def _submit(executor: Executor, job: Callable[[], None]) -> None:
    try:
        executor.submit(job)
    except RuntimeError:
        # The executor is shut down (the process is stopping): run it here rather than lose it.
        job()


def _run(steps: list[Callable[[], object]], body: dict, context: BoltContext, respond: Respond | None) -> None:
    try:
        for step in steps:
            step()
    except Exception as error:  # noqa: BLE001 - said to the user and logged as a listener's failure is
        # Notes the failure too, so that the key is released below.
        on_error(error, body, context, None, respond)
    finally:
        after_listener(context)
