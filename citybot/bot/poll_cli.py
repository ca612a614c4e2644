"""`citybot poll create --file FILE`: a city poll from a file, sent as native polls to its
audience through the outbox (the running bot's courier, or this command's), like
`citybot broadcast`. The same file again resumes or reports the same poll; the new poll's number
is the last line printed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from citybot.bot.broadcast_cli import ProgressBar, _setup, report, with_courier


def cmd_poll_create(args: argparse.Namespace) -> int:
    from citybot.services import polls

    settings, config = _setup()
    try:
        spec, key = polls.load_spec(args.file, config)
    except polls.PollFileError as error:
        print("\n".join(f"citybot: {line}" for line in error.lines), file=sys.stderr)
        return 2
    bar = ProgressBar("poll")

    async def work(runtime: Any) -> Any:
        return await _create_and_send(runtime, spec, key, args.author, bar)

    try:
        number, summary = asyncio.run(with_courier(settings, config, work))
    finally:
        bar.close()
    if summary is not None:
        report(summary, f"poll #{number}")
    print(f"#{number}")
    return 0


async def _create_and_send(runtime: Any, spec: Any, key: str, author: str | None,
                           bar: ProgressBar) -> tuple[int, Any]:
    from citybot.services import polls
    from citybot.storage.models import PollState

    async with runtime.sessions() as session:
        poll = await polls.create(session=session, spec=spec, key=key, created_by=author) \
            or await polls.by_key(session=session, key=key)
        if poll.state == PollState.draft:
            await polls.start(session=session, poll_id=poll.id)
        await session.commit()
        number, state = poll.id, poll.state
    if state == PollState.closed:
        print(f"poll #{number} is closed already", file=sys.stderr)
        return number, None
    return number, await polls.send(runtime, number, progress=bar, wait_summary=True)


def register(sub: argparse._SubParsersAction) -> None:
    poll = sub.add_parser("poll", help="city polls: create one from a file and send it")
    actions = poll.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a poll from a file and send it to its "
                                               "audience; prints its number last")
    create.add_argument("--file", required=True, help="the poll (YAML: question, options, "
                                                      "audience, closes)")
    create.add_argument("--author", default=None, help="who sends it, for the summary")
    create.set_defaults(func=cmd_poll_create)
