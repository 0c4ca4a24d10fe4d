"""Slack listeners, grouped by kind (commands/, actions/, views/, options/, events/, shortcuts/), one
module-level function each; each package's `register(app)` binds Slack's ids to them.

Listeners translate between Slack and the services: they read the payload, call a service,
and answer with blocks. They hold no business rules and never touch storage. What they share
lives in modules named for it: `context` (the AppContext each request carries), `guard` (the
event still there, the user allowed), `payloads`, `replies`, `notices`, `channels`, and
`afterwards` (work left for after the answer: a listener's answer leaves when it returns).
"""

from slack_bolt import App

from handlers import actions, afterwards, commands, events, options, replays, shortcuts, views
from handlers.errors import on_error


def register(app: App) -> None:
    """Bind the listeners. `handlers.context.provide(ctx)` must already be installed: the
    middleware and listeners read the AppContext from the request's context."""
    app.error(on_error)
    replays.install(app)
    afterwards.install(app)
    commands.register(app)
    actions.register(app)
    views.register(app)
    options.register(app)
    events.register(app)
    shortcuts.register(app)
