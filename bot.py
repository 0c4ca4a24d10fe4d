"""TripDesk: where leaders and ministers will be, in your newsroom's Slack.

python bot.py                      run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)
python bot.py console [--sample]   try it without Slack
python bot.py import PATH_OR_URL   import an iCalendar file or feed
python bot.py migrate              bring the database schema up to date
python bot.py draft FILE|-         draft events from a story (--published YYYY-MM-DD, --json)
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn

from infra.config import ConfigError, Settings, load_settings
from infra.logs import configure as configure_logs
from infra.logs import redact

SAMPLE = Path(__file__).parent / "samples" / "blinken-paris-brussels-2024.ics"
# The console's --sample clock: the morning before the Paris stop, so the trip is still to come.
SAMPLE_NOW = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
# `import --max-size`: a file the operator chose is bounded only by the memory it takes (a 35 MB
# file of 100,000 events peaks at about 250 MB); a download always by services.importing.MAX_URL_BYTES.
MAX_FILE_MB = 200
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
    # An error may quote what was typed or configured (a URL with its password, a token): it goes
    # through the same redaction as the logs.
    except (UsageError, ConfigError) as error:
        print(f"bot.py: {redact(str(error))}", file=sys.stderr)
        return 2
    except StartupError as error:
        print(f"bot.py: {redact(str(error))}", file=sys.stderr)
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
    importer.add_argument(
        "--max-size",
        type=_megabytes,
        default=MAX_FILE_MB,
        metavar="MB",
        help=f"refuse a local file larger than this (default {MAX_FILE_MB}); a download stops at 20 MB",
    )
    importer.set_defaults(handler=_import)

    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(handler=_migrate)

    drafter = commands.add_parser("draft", help="draft events from a story (a text file, or - for standard input)")
    drafter.add_argument("story", help="a UTF-8 text file, or - to read standard input")
    drafter.add_argument(
        "--published", type=_day, help="the story's date (YYYY-MM-DD); else the dateline's, else today"
    )
    drafter.add_argument("--json", action="store_true", help="print a JSON array of the drafts")
    drafter.set_defaults(handler=_draft)
    return parser


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date or time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _megabytes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of megabytes (1 or more)")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


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
    # The start creates some 160,000 objects (modules, classes, functions) that live as long as
    # the process: the collector's passes over them while importing and wiring cost a tenth of
    # the start. Frozen once wired, they are left out of every later collection too.
    gc.disable()
    from dataclasses import replace

    from handlers.context import AppContext, system_clock
    from jobs.agenda import DailyAgenda
    from jobs.coverage import CoverageChaser
    from jobs.feeds import FeedSyncer
    from jobs.follows import FollowNotifier
    from jobs.home import HomeRefresher
    from jobs.reminders import ReminderDeliverer, replica_name
    from jobs.scheduler import Jobs
    from services.subscriptions import SyncOptions
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
    feeds = FeedSyncer(
        engine=ctx.engine,
        client=delivery_client(settings),
        clock=system_clock,
        options=SyncOptions.of(settings),
        replica=replica,
    )
    home = HomeRefresher(
        engine=ctx.engine,
        client=delivery_client(settings),
        clock=system_clock,
        newsroom_tz=settings.newsroom_tz,
        team_id=team_id,
        editors=ctx.editors,
    )
    notifier = FollowNotifier(
        engine=ctx.engine,
        client=delivery_client(settings),
        clock=system_clock,
        newsroom_tz=settings.newsroom_tz.key,
        replica=replica,
    )
    chaser = CoverageChaser(
        engine=ctx.engine,
        client=delivery_client(settings),
        clock=system_clock,
        channel_id=settings.default_channel,
        team_id=team_id,
        replica=replica,
    )
    jobs = Jobs(
        deliverer=deliverer,
        agenda=agenda,
        settings=settings,
        feeds=feeds,
        home=home,
        notifier=notifier,
        chaser=chaser,
    )
    ctx = replace(ctx, on_schedule_change=jobs.wake)
    feeds.on_change = jobs.wake
    app = create_app(ctx)
    if not settings.editors:
        # Allowed, for a small desk trying TripDesk out; said at every start so that it is a choice.
        log.warning("TRIPDESK_EDITORS is empty: everyone in the workspace can change the schedule")
    handler = None
    if settings.socket_mode:
        from tripdesk.socket_mode import SocketModeHandler

        handler = SocketModeHandler(app, settings.slack_app_token)
        _connect(handler)

    def shutdown() -> None:
        jobs.stop()
        if handler is not None:
            handler.close()

    gc.freeze()
    gc.enable()
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
                source=f"samples/{SAMPLE.name}",
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

    from domain.places import prepare
    from domain.progress import SILENT
    from infra.logs import redact
    from infra.progress import terminal_progress
    from services.fetching import shown_url
    from services.importing import ImportFailed, import_calendar, read_source

    team_id = args.team or _team_from_token(settings)
    prepare()  # the city index, before the file: see domain.places.prepare
    # On a terminal, a bar on standard error while a large file is read and written; cleared
    # before the summary. Piped or redirected, the output is the summary and its lines only.
    bar = terminal_progress()
    try:
        data = read_source(args.source, max_file_bytes=args.max_size * 1024 * 1024)
        report = import_calendar(
            _engine(settings),
            team_id=team_id,
            data=data,
            fallback_tz=settings.newsroom_tz.key,
            actor="import",
            now=datetime.now(UTC),
            default_channel=settings.default_channel,
            # Shown in the events' history: a feed's key or password must not be.
            source=redact(args.source),
            progress=bar or SILENT,
        )
    except ImportFailed as error:
        raise UsageError(f"import failed, nothing was changed: {error}") from None
    except SQLAlchemyError as error:
        raise StartupError(
            f"import failed, nothing was changed: the database refused it ({_first_line(error)})"
        ) from None
    finally:
        if bar is not None:
            bar.close()
    # A feed's URL often carries its key or a password: printed masked, like in the errors.
    print(report.summary(shown_url(args.source)))
    for line in report.details():
        print(line)
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


def _draft(args, settings: Settings) -> int:
    import json

    from domain.stories.extract import extract
    from domain.stories.review import draft_lines
    from domain.timetext import day_text

    text = _story(args.story)
    if not text.strip():
        raise UsageError(f"{'standard input' if args.story == '-' else args.story} is empty: there is no story to read")
    # The newsroom's today: "on Tuesday" in an undated story is read from the desk's calendar.
    today = datetime.now(settings.newsroom_tz).date()
    extraction = extract(text, published=args.published, today=today)
    if args.json:
        print(json.dumps([d.as_json() for d in extraction.drafts], ensure_ascii=False, indent=2))
        return 0
    count = len(extraction.drafts)
    print(f"{count} draft{'' if count == 1 else 's'}, dates read against {day_text(extraction.reference)}")
    for draft in extraction.drafts:
        print()
        print("\n".join(draft_lines(draft, extraction.reference)))
    return 0


def _story(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {source}") from None
    except IsADirectoryError:
        raise UsageError(f"{source} is a directory, not a story") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror}") from None


if __name__ == "__main__":
    sys.exit(main())
