"""`citybot export --format geojson|csv [--since DATE] [--out FILE]`: every public report (what
the public site shows, see citybot.services.public), with a progress bar on stderr."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import sys
from pathlib import Path
from typing import Any

from citybot.settings import load_settings


def register(sub: Any) -> None:
    export = sub.add_parser("export", help="export the public reports as GeoJSON or CSV")
    export.add_argument("--format", choices=["geojson", "csv"], required=True)
    export.add_argument("--since", metavar="DATE", type=_date,
                        help="only reports filed on or after DATE (YYYY-MM-DD)")
    export.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    export.add_argument("--no-progress", action="store_true", help="no progress bar")
    export.set_defaults(func=cmd_export)


def _date(text: str) -> Any:
    from citybot.services.public import parse_date

    moment = parse_date(text)
    if moment is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")
    return moment


def _detail(args: argparse.Namespace, count: int) -> str:
    """What the audit trail says of an export: format, how many, since when, by which account
    of the server (an administrator, not a resident), to which file."""
    since = f" since {args.since:%Y-%m-%d}" if args.since else ""
    where = f" to {Path(args.out).name}" if args.out else ""
    return f"{args.format} {count} reports{since} by {getpass.getuser()}{where}"


def cmd_export(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError
    from tqdm import tqdm

    from citybot.services import exports, public
    from citybot.storage import audit
    from citybot.storage.database import make_engine, make_sessionmaker

    settings = load_settings()
    filters = public.Filters(since=args.since)
    bar = tqdm(total=0, unit=" reports", file=sys.stderr, disable=args.no_progress,
               dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    async def run() -> int:
        engine = make_engine(settings.database_url)
        try:
            with contextlib.ExitStack() as stack:
                out = stack.enter_context(open(args.out, "w", encoding="utf-8", newline="")) \
                    if args.out else sys.stdout
                sessions = make_sessionmaker(engine)
                count = await exports.export_to(out, sessions=sessions, kind=args.format,
                                                filters=filters, progress=progress)
            async with sessions() as session:  # the audit trail: who exported what, when
                audit.record(session, official_id=None, action="export",
                             detail=_detail(args, count))
                await session.commit()
            return count
        finally:
            await engine.dispose()

    try:
        count = asyncio.run(run())
    except DBAPIError as error:  # no tables yet, or no database: one sentence, no traceback
        bar.close()
        print(f"citybot export: cannot read the reports ({type(error.orig).__name__}); is "
              "DATABASE_URL right, and migrated (citybot db upgrade)?", file=sys.stderr)
        return 2
    bar.close()
    print(f"exported {count} reports" + (f" to {args.out}" if args.out else ""), file=sys.stderr)
    return 0
