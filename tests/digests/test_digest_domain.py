"""The domain without Telegram: periods of a schedule, cutting a long digest, the pacer's paid
rate, a run queued twice, and claims of a crashed process."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from citybot.services import broadcasts
from citybot.services.digests import TEXT_LIMIT, period_at, split_message, utf16_len
from citybot.services.pacing import Pacer
from citybot.storage import outbox
from citybot.storage.models import OutboxMessage, utcnow

from .conftest import add_report, add_subscriber, during, period


def test_a_period_runs_from_the_scheduled_time_before_the_latest_one() -> None:
    # Thursday 26 Nov 2026, 12:00 in Moscow (09:00 UTC); the weekly digest is on Saturdays
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    week = period_at("0 10 * * 6", "Europe/Moscow", now)
    assert week.key == "2026-11-21T10:00"
    assert week.end == datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
    assert week.start == datetime(2026, 11, 14, 7, 0, tzinfo=UTC)
    # a run late, or resumed, covers the same period; the scheduled time itself starts one
    assert period_at("0 10 * * 6", "Europe/Moscow", week.end + timedelta(days=6)) == week
    assert period_at("0 10 * * 6", "Europe/Moscow", week.end).key == "2026-11-21T10:00"
    # Monday's staff digest covers the weekend
    monday = period_at("0 8 * * 1-5", "Europe/Moscow", datetime(2026, 11, 30, 6, 0, tzinfo=UTC))
    assert (monday.key, monday.start.weekday()) == ("2026-11-30T08:00", 4)
    minute = period_at("* * * * *", "Europe/Moscow", now + timedelta(seconds=30))
    assert minute.end - minute.start == timedelta(minutes=1)


def test_a_long_digest_is_cut_between_blocks_then_lines_under_the_limit() -> None:
    def block(n: int) -> str:
        lines = [f"🚧 <b>#{n}{i}</b> " + "word " * 30 for i in range(20)]
        return "\n".join([f"<b>Section {n}</b>", *lines])

    messages = split_message(["<b>title</b>", *(block(n) for n in range(5))])
    assert len(messages) > 1
    assert all(utf16_len(m) <= TEXT_LIMIT for m in messages)
    assert all(m.count("<b>") == m.count("</b>") for m in messages)  # no tag cut in two
    assert all(not m.startswith("\n") and m.strip() for m in messages)
    assert "".join(messages).count("🚧") == 5 * 20  # nothing lost

    emoji = ["😀" * 3000]  # 6000 UTF-16 units: Telegram's count, not Python's
    assert all(utf16_len(m) <= TEXT_LIMIT for m in split_message(emoji))
    text = ("fish &amp; chips " * 600).strip()
    pieces = split_message([text], limit=1000)
    assert all("&amp;" in p or "&" not in p for p in pieces)
    assert all(p.count("&") == p.count("&amp;") for p in pieces)  # an entity is never cut


def test_the_pacer_gives_paid_broadcasts_their_own_rate() -> None:
    now = [1000.0]
    pacer = Pacer(per_second=30, paid_per_second=1000, margin=1.0, paid_margin=1.0,
                  clock=lambda: now[0])
    paid = [pacer.reserve(chat, paid=True) for chat in range(1, 1001)]
    assert paid[-1] == pytest.approx(0.999)  # a thousand chats in a second
    assert pacer.reserve(5000) == 0  # the free grid is untouched
    assert pacer.reserve(1, paid=True) == pytest.approx(1.0)  # and still 1 a second per chat


async def test_a_run_prepared_twice_queues_each_delivery_once(emulator, citybot) -> None:
    runtime = citybot.runtime
    people = [emulator.add_user(f"R{i}") for i in range(7)]
    residents = [await add_subscriber(runtime, person) for person in people]
    week = period(runtime, "weekly")
    await add_report(runtime, residents[0], description="Leak under the bridge",
                     category="water", created=during(week))
    run, status = await broadcasts.open_digest_run(
        runtime, broadcasts.find_digest(runtime.config, "weekly"), now=utcnow())
    assert status == "started"
    runtime.broadcasts_running.add(run.id)  # nothing else takes it up meanwhile
    broadcasts.CHUNK, chunk = 3, broadcasts.CHUNK
    try:
        await broadcasts.prepare(runtime, run)
        run.state = "preparing"  # as if the process died before it was marked sending
        await broadcasts.prepare(runtime, run)
    finally:
        broadcasts.CHUNK = chunk
    async with runtime.sessions() as session:
        queued = (await session.exec(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.broadcast_id == run.id))).one()
    assert queued == 7
    again, status = await broadcasts.open_digest_run(
        runtime, broadcasts.find_digest(runtime.config, "weekly"), now=utcnow())
    assert (again.id, status) == (run.id, "resumed")


async def test_claims_of_a_crashed_process_are_released_at_start(citybot) -> None:
    runtime = citybot.runtime
    host = socket.gethostname()
    async with runtime.sessions() as session:
        for worker in (f"{host}-999999999", f"{host}-{os.getppid()}", "elsewhere-1"):
            await outbox.enqueue(session=session, kind="notification", chat_id=1,
                                 payload={"text": worker}, not_before=utcnow())
            await outbox.claim_due(session=session, worker=worker, limit=1)
    released = await citybot.courier.release_orphans()
    assert released == 1  # the dead one; a live process and another host keep theirs
    async with runtime.sessions() as session:
        rows = (await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [row.state for row in rows] == ["pending", "sending", "sending"]


def test_the_progress_bar_draws_on_a_terminal_only() -> None:
    import io

    from citybot.bot.broadcast_cli import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = ProgressBar("digest weekly", stream=screen, width=10)
    bar(5, 10)
    bar(10, 10)
    bar.close()
    assert "digest weekly [█████░░░░░] 5/10" in screen.getvalue()
    assert "10/10 100%" in screen.getvalue() and screen.getvalue().endswith("\n")
    log = io.StringIO()  # not a terminal: the log has the progress instead
    quiet = ProgressBar("digest weekly", stream=log)
    quiet(1, 2)
    quiet.close()
    assert log.getvalue() == ""
