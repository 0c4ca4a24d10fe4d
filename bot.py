"""TripDesk: where leaders and ministers will be, in your newsroom's Slack.

python bot.py                      run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)
python bot.py console [--sample]   try it without Slack
python bot.py import PATH_OR_URL   import an iCalendar file or feed
python bot.py migrate              bring the database schema up to date
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from infra.config import ConfigError, Settings, load_settings
from infra.logs import configure as configure_logs

SAMPLE = Path(__file__).parent / "samples" / "blinken-paris-brussels-2024.ics"
# The console's --sample clock: the morning before the Paris stop, so the trip is still to come.
SAMPLE_NOW = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
log = logging.getLogger("tripdesk")


class UsageError(Exception):
    pass


class StartupError(Exception):
    """Something outside TripDesk failed (Slack unreachable at start, the database refusing
    work): not the operator's mistake, so exit status 1."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line and status 2, like every other refusal
        raise UsageError(f"{message} (see python bot.py --help)")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        settings = load_settings()
        configure_logs(level=logging.WARNING if args.handler is not _run else logging.INFO, secrets_=settings.secrets())
        return args.handler(args, settings)
    except (UsageError, ConfigError) as error:
        print(f"bot.py: {error}", file=sys.stderr)
        return 2
    except StartupError as error:
        print(f"bot.py: {error}", file=sys.stderr)
        return 1


def _parser() -> Parser:
    parser = Parser(prog="bot.py", description="TripDesk, the foreign desk's schedule in Slack.")
    parser.set_defaults(handler=_run)
    commands = parser.add_subparsers(title="commands", parser_class=Parser)
    commands.add_parser("run", help="run the bot (the default)").set_defaults(handler=_run)

    console = commands.add_parser("console", help="try TripDesk in the terminal, without Slack")
    console.add_argument(
        "--sample", action="store_true", help=f"load {SAMPLE.name} and set the clock to {SAMPLE_NOW:%d %B %Y}"
    )
    console.add_argument("--at", type=_instant, help="pretend it is this time (ISO 8601, e.g. 2024-04-01T09:00Z)")
    console.set_defaults(handler=_console)

    importer = commands.add_parser("import", help="import an iCalendar (.ics) file or URL")
    importer.add_argument("source", help="a path, or an http(s):// or webcal:// URL")
    importer.add_argument("--team", help="Slack workspace id (T…); looked up with the bot token when omitted")
    importer.set_defaults(handler=_import)

    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(handler=_migrate)
    return parser


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date or time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _engine(settings: Settings):
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except SQLAlchemyError as error:
        raise ConfigError(f"cannot open the database at DATABASE_URL: {_first_line(error)}") from None
    return engine


def _first_line(error: Exception) -> str:
    return (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]


def _run(_args, settings: Settings) -> int:
    from dataclasses import replace

    from handlers.context import AppContext, system_clock
    from jobs.agenda import DailyAgenda
    from jobs.reminders import ReminderDeliverer, replica_name
    from jobs.scheduler import Jobs
    from tripdesk.server import asgi_app, serve
    from tripdesk.slack_app import create_app, delivery_client, web_client

    settings.require_slack()
    team_id = _check_token(web_client(settings))
    ctx = AppContext(settings=settings, engine=_engine(settings))
    replica = replica_name()
    deliverer = ReminderDeliverer(
        engine=ctx.engine, client=delivery_client(settings), clock=system_clock, replica=replica
    )
    agenda = DailyAgenda(
        engine=ctx.engine,
        client=delivery_client(settings),
        clock=system_clock,
        newsroom_tz=settings.newsroom_tz,
        channel_id=settings.default_channel,
        team_id=team_id,
        replica=replica,
    )
    jobs = Jobs(deliverer=deliverer, agenda=agenda, settings=settings)
    ctx = replace(ctx, on_schedule_change=jobs.wake)
    app = create_app(ctx)
    if not settings.editors:
        # Allowed, for a small desk trying TripDesk out; said at every start so that it is a choice.
        log.warning("TRIPDESK_EDITORS is empty: everyone in the workspace can change the schedule")
    handler = None
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(app, settings.slack_app_token)
        _connect(handler)

    def shutdown() -> None:
        jobs.stop()
        if handler is not None:
            handler.close()

    jobs.start()
    log.info("reminders and the daily agenda are scheduled (replica %s)", replica)
    if handler is not None:
        log.info("connected to Slack in Socket Mode; health check on port %s", settings.port)
        serve(asgi_app(engine=ctx.engine, bolt=None, on_shutdown=shutdown), port=settings.port)
    else:
        log.info("serving Slack requests on port %s at /slack/events", settings.port)
        serve(asgi_app(engine=ctx.engine, bolt=app, on_shutdown=shutdown), port=settings.port)
    return 0


def _connect(handler) -> None:
    from slack_sdk.errors import SlackApiError

    from infra.slack_failures import is_auth_failure, slack_error

    try:
        handler.connect()
    except SlackApiError as error:
        code = slack_error(error)
        if is_auth_failure(code):
            raise ConfigError(
                f"SLACK_APP_TOKEN was refused by Slack ({code}): create an app-level token with "
                "connections:write under Basic Information, or leave it empty for HTTP mode"
            ) from None
        raise StartupError(f"could not open a Socket Mode connection ({code}); try again shortly") from None
    except OSError as error:
        raise StartupError(f"could not reach Slack to open a Socket Mode connection ({error})") from None


def _check_token(client):
    """Check the bot token; returns a function giving the workspace id (looked up again later
    if Slack could not be reached now)."""
    from slack_sdk.errors import SlackApiError

    from infra.slack_failures import is_auth_failure, slack_error

    try:
        team_id = client.auth_test()["team_id"]
        return lambda: team_id
    except SlackApiError as error:
        code = slack_error(error)
        if is_auth_failure(code):
            raise ConfigError(
                f"SLACK_BOT_TOKEN was refused by Slack ({code}): copy it again from the app's OAuth & Permissions page"
            ) from None
        log.warning("auth.test failed (%s); starting anyway", code)
    except OSError as error:
        log.warning("could not reach Slack to check the token (%s); starting anyway", error)
    return lambda: client.auth_test()["team_id"]


def _console(args, settings: Settings) -> int:
    from handlers.context import AppContext, fixed_clock, system_clock
    from services.importing import ImportFailed, import_calendar
    from tripdesk.console import TEAM_ID, run_console
    from tripdesk.slack_app import create_app

    engine = _engine(settings)
    moment = args.at or (SAMPLE_NOW if args.sample else None)
    if args.sample:
        try:
            report = import_calendar(
                engine,
                team_id=TEAM_ID,
                data=SAMPLE.read_bytes(),
                fallback_tz=settings.newsroom_tz.key,
                actor="import",
                now=datetime.now(UTC),
                default_channel=settings.default_channel,
            )
        except ImportFailed as error:
            raise ConfigError(f"the sample could not be loaded: {error}") from None
        print(report.summary(f"samples/{SAMPLE.name}"))
    if moment is not None:
        print(f"The console's clock is set to {moment.isoformat(timespec='minutes')}.")
    ctx = AppContext(settings=settings, engine=engine, clock=fixed_clock(moment) if moment else system_clock)
    run_console(ctx, create_app, reader_tz=settings.newsroom_tz)
    return 0


def _import(args, settings: Settings) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from services.importing import ImportFailed, import_calendar, read_source

    team_id = args.team or _team_from_token(settings)
    try:
        data = read_source(args.source)
        report = import_calendar(
            _engine(settings),
            team_id=team_id,
            data=data,
            fallback_tz=settings.newsroom_tz.key,
            actor="import",
            now=datetime.now(UTC),
            default_channel=settings.default_channel,
        )
    except ImportFailed as error:
        raise UsageError(f"import failed, nothing was changed: {error}") from None
    except SQLAlchemyError as error:
        raise StartupError(
            f"import failed, nothing was changed: the database refused it ({_first_line(error)})"
        ) from None
    print(report.summary(args.source))
    return 0


def _team_from_token(settings: Settings) -> str:

    from infra.slack_failures import SLACK_FAILURES
    from tripdesk.slack_app import web_client

    if not settings.slack_bot_token:
        raise UsageError("import needs the workspace: pass --team T… or set SLACK_BOT_TOKEN to look it up")
    try:
        return web_client(settings).auth_test()["team_id"]
    except SLACK_FAILURES as error:
        raise UsageError(f"could not look up the workspace with SLACK_BOT_TOKEN ({error}); pass --team T…") from None


def _migrate(_args, settings: Settings) -> int:
    _engine(settings)
    print("The database schema is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
