"""The `citybot` command: run the bot, the local emulator, migrations, NLU tools."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from citybot import redaction
from citybot.settings import SettingsError, load_settings

log = logging.getLogger("citybot")


def setup_logging(level: str = "INFO") -> None:
    redaction.install()  # no token or password in any record, at any level
    logging.basicConfig(
        level=level,
        format="%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("pymorphy3").setLevel(logging.WARNING)
    # SQL and its parameters (what residents wrote) stay out of the logs, even at DEBUG
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)


def run_async(main: Coroutine[Any, Any, Any]) -> Any:
    """The bot's processes run on uvloop (aiogram recommends it): the event loop's own work —
    sockets, callbacks, timers — costs a fraction of asyncio's. Plain asyncio where uvloop is
    not installed (Windows)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux and macOS
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def _load_config(settings):
    from citybot.config import load_config

    return load_config(settings.config_path)


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require_token()  # before the bot's modules are imported: a missing token is told
    from citybot.bot.polling import run_polling  # at once
    from citybot.storage.database import upgrade_in_child

    if args.webhook:
        return _run_webhook(args, settings)
    config = _load_config(settings)
    upgrade_in_child(settings.database_url)  # the bot's process never holds Alembic
    log.info("database up to date url=%s", settings.safe_database_url)
    _nlu_model_ready()
    run_async(run_polling(settings, config))
    return 0


def _run_webhook(args: argparse.Namespace, settings) -> int:
    """Webhook mode: one worker, or a supervisor of `--workers N` (docs/deployment.md)."""
    from citybot.bot.webhook import run_webhook, webhook_config
    from citybot.bot.workers import run_workers
    from citybot.storage.database import upgrade_in_child

    webhook_config(settings)  # a missing or malformed setting stops here, in one sentence
    config = _load_config(settings)
    if not args.worker:  # a supervisor's workers find the database migrated already
        upgrade_in_child(settings.database_url)
        log.info("database up to date url=%s", settings.safe_database_url)
        _nlu_model_ready()
    if args.workers > 1:
        return run_workers(args.workers, args.log_level)
    run_async(run_webhook(settings, config))
    return 0


def _nlu_model_ready() -> None:
    """A stale NLU model (new data or code) is trained in a child process, before the bot
    loads it: the bot's process never imports scikit-learn."""
    from citybot.nlu import engine

    if not engine.is_ready():
        log.info("training the NLU model (the data or the code changed)")
        engine.train_in_child()


def cmd_sandbox(args: argparse.Namespace) -> int:
    """The real bot against the in-process emulator, with the sandbox page (no token needed)."""
    from citybot.sandbox import run_sandbox

    settings = load_settings()
    config = _load_config(settings)
    asyncio.run(run_sandbox(settings, config))  # a taken WEB_LISTEN: one SettingsError line
    return 0


def cmd_emulator(args: argparse.Namespace) -> int:
    from citybot.emulator import cli as emulator_cli

    return emulator_cli.main(["--host", args.host, "--port", str(args.port)]) or 0


def cmd_db(args: argparse.Namespace) -> int:
    from citybot.storage import database

    url = load_settings().database_url
    if args.action == "upgrade":
        database.upgrade(url, args.revision or "head")
    elif args.action == "downgrade":
        database.downgrade(url, args.revision or "-1")
    print(f"database revision: {database.current_revision(url) or 'empty'}")
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    config = _load_config(load_settings())
    print(
        f"config OK: {config.city.name.get('en')}, {len(config.departments)} departments, "
        f"{len(config.categories)} categories"
    )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Officials' access to reports, oldest first: one line a record, no resident data."""
    from citybot.storage.audit import records
    from citybot.storage.database import make_engine, make_sessionmaker, upgrade

    url = load_settings().database_url
    upgrade(url)

    async def read() -> list:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                return await records(session=session, report_id=args.report,
                                     official_id=args.official,
                                     action="export" if args.exports else None)
        finally:
            await engine.dispose()

    found = asyncio.run(read())
    for entry in found:
        official = entry.official_id if entry.official_id is not None else "admin"
        report = f"#{entry.report_id}" if entry.report_id is not None else "-"
        print(f"{entry.at.isoformat(timespec='seconds')} official={official} "
              f"action={entry.action} report={report}" +
              (f" detail={entry.detail}" if entry.detail else ""))
    print(f"{len(found)} records", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="citybot", description=__doc__)
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (default INFO)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true",
                     help="serve a webhook on WEBHOOK_LISTEN (needs WEBHOOK_URL, WEBHOOK_SECRET)")
    run.add_argument("--workers", type=int, default=1, metavar="N",
                     help="with --webhook: N worker processes sharing the port (default 1)")
    run.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # of a supervisor
    run.set_defaults(func=cmd_run)

    sandbox = sub.add_parser("sandbox", help="try CityBot in a browser, no Telegram needed: the "
                             "real bot against a local emulator, its page on WEB_LISTEN")
    sandbox.set_defaults(func=cmd_sandbox)

    emulator = sub.add_parser("emulator", help="a local Telegram Bot API emulator to try the bot")
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=int, default=8081)
    emulator.set_defaults(func=cmd_emulator)

    db = sub.add_parser("db", help="database migrations (DATABASE_URL)")
    db.add_argument("action", choices=["upgrade", "downgrade", "current"])
    db.add_argument("revision", nargs="?", help="target revision (upgrade: head, downgrade: -1)")
    db.set_defaults(func=cmd_db)

    config = sub.add_parser("config", help="check config.yml (CITYBOT_CONFIG)")
    config.add_argument("action", choices=["check"])
    config.set_defaults(func=cmd_config_check)

    audit = sub.add_parser("audit", help="officials' access to reports: who read or changed what")
    which = audit.add_mutually_exclusive_group(required=True)
    which.add_argument("--report", type=int, metavar="N", help="every access to report #N")
    which.add_argument("--official", type=int, metavar="ID",
                       help="everything the official with this Telegram id did")
    which.add_argument("--exports", action="store_true",
                       help="every export of the reports (citybot export): who, what, when")
    audit.set_defaults(func=cmd_audit)

    from citybot import export_cli
    from citybot.bot import broadcast_cli, poll_cli
    from citybot.bot import nlu_cli as nlu_feedback_cli
    from citybot.nlu import cli as nlu_cli

    nlu_feedback_cli.register(nlu_cli.register(sub))
    broadcast_cli.register(sub)
    poll_cli.register(sub)
    from citybot.web.open311 import cli as apikey_cli

    apikey_cli.register(sub)
    export_cli.register(sub)
    return parser


def _is_told_error(error: BaseException) -> bool:
    """A wrong config.yml, or a migration that failed and said why on stderr (checked without
    importing the modules, which are slow to import, when nothing has loaded them)."""
    config = sys.modules.get("citybot.config")
    database = sys.modules.get("citybot.storage.database")
    return (config is not None and isinstance(error, config.ConfigError)) or (
        database is not None and isinstance(error, database.MigrationFailed)
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level)
    try:
        return int(args.func(args) or 0)
    except SettingsError as error:
        print(f"citybot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # logged, hence redacted: a network error's text has the token
        if _is_told_error(error):
            print(f"citybot: {error}", file=sys.stderr)
            return 2
        log.exception("citybot stopped by an unexpected error")
        return 1


if __name__ == "__main__":
    sys.exit(main())
