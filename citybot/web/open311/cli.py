"""`citybot apikey create NAME [--per-minute N]` (prints the key alone on its last line),
`citybot apikey list`, `citybot apikey revoke NAME`: the keys of Open311 clients."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def register(sub: argparse._SubParsersAction) -> None:
    apikey = sub.add_parser("apikey", help="API keys of Open311 clients (DATABASE_URL)")
    actions = apikey.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="a new key; printed once, alone on the last line")
    create.add_argument("name", help="who uses it (letters, digits, . _ -); becomes the source "
                                     "open311/NAME of their reports")
    create.add_argument("--per-minute", type=int, default=600, metavar="N",
                        help="requests a minute the key may make (default 600)")
    actions.add_parser("list", help="every key: name, limit, created, revoked")
    revoke = actions.add_parser("revoke", help="the key stops working at once")
    revoke.add_argument("name")
    apikey.set_defaults(func=cmd_apikey)


def cmd_apikey(args: argparse.Namespace) -> int:
    if args.action == "create" and not NAME.fullmatch(args.name):
        print(f"citybot: a key's name is 1-64 letters, digits, '.', '_' or '-', got "
              f"{args.name!r}", file=sys.stderr)
        return 2
    if args.action == "create" and not 1 <= args.per_minute <= 1_000_000:
        print("citybot: --per-minute must be between 1 and 1000000", file=sys.stderr)
        return 2
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    from citybot.settings import load_settings
    from citybot.storage import apikeys
    from citybot.storage.database import make_engine, make_sessionmaker, upgrade

    url = load_settings().database_url
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            if args.action == "create":
                if await apikeys.key_named(session=session, name=args.name) is not None:
                    print(f"citybot: a key named {args.name!r} exists already (names are "
                          "never reused: revoked keys keep theirs)", file=sys.stderr)
                    return 2
                key = await apikeys.create_key(session=session, name=args.name,
                                               per_minute=args.per_minute)
                await session.commit()
                print(f"API key for {args.name} (shown once; only its hash is kept):")
                print(key)
            elif args.action == "list":
                rows = await apikeys.all_keys(session=session)
                for row in rows:
                    state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at \
                        else "active"
                    print(f"{row.name}\t{row.per_minute}/min\tcreated "
                          f"{row.created_at:%Y-%m-%d %H:%M}\t{state}")
                if not rows:
                    print("no API keys")
            else:
                if not await apikeys.revoke(session=session, name=args.name):
                    print(f"citybot: no active key named {args.name!r}", file=sys.stderr)
                    return 2
                await session.commit()
                print(f"revoked {args.name}")
    finally:
        await engine.dispose()
    return 0
