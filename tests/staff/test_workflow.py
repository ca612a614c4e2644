"""The report state machine and the pacer, without Telegram."""

import itertools
from datetime import timedelta

import pytest

from citybot.services import workflow
from citybot.services.pacing import Pacer
from citybot.services.workflow import Actor, Refused
from citybot.storage.database import make_engine, make_sessionmaker, upgrade
from citybot.storage.models import Follower, Report, Resident, utcnow

OLGA = Actor(kind="staff", telegram_id=7, name="Olga")
PETR = Actor(kind="staff", telegram_id=8, name="Petr")


@pytest.fixture
async def session(sqlite_url):
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    async with make_sessionmaker(engine)() as session:
        yield session
    await engine.dispose()


PEOPLE = itertools.count(100)


async def new_report(session, reporter: Resident | None = None, category: str = "roads") -> Report:
    if reporter is None:
        reporter = Resident(telegram_id=next(PEOPLE), first_name="R")
        session.add(reporter)
        await session.flush()
    report = Report(reporter_id=reporter.id, category=category, department="roads",
                    description="pothole", due_at=utcnow() + timedelta(hours=72))
    session.add(report)
    await session.flush()
    session.add(Follower(report_id=report.id, resident_id=reporter.id))
    await session.flush()
    return report


async def test_the_happy_path_and_its_events(session) -> None:
    report = await new_report(session)
    change = await workflow.take(session=session, report=report, actor=OLGA)
    assert (change.before, report.status, report.assignee_name) == ("new", "acknowledged", "Olga")
    await workflow.move(session=session, report=report, action="progress", actor=OLGA)
    change = await workflow.move(session=session, report=report, action="resolve", actor=OLGA,
                                 note="  Patched  ")
    assert report.status == "resolved" and report.closed_at is not None
    assert change.event.note == "Patched" and change.event.from_status == "in_progress"


async def test_impossible_moves_are_refused(session) -> None:
    report = await new_report(session)
    with pytest.raises(Refused) as refused:
        await workflow.move(session=session, report=report, action="resolve", actor=OLGA)
    assert refused.value.key == "staff-refused-note-needed"
    await workflow.take(session=session, report=report, actor=OLGA)
    with pytest.raises(Refused, match="already-yours"):
        await workflow.take(session=session, report=report, actor=OLGA)
    change = await workflow.take(session=session, report=report, actor=PETR)  # a take-over
    assert change.event.kind == "assigned" and not change.status_changed
    await workflow.move(session=session, report=report, action="reject", actor=OLGA,
                        note="not a pothole")
    for action in ("progress", "resolve", "not_responsible"):
        with pytest.raises(Refused) as refused:
            await workflow.move(session=session, report=report, action=action, actor=OLGA,
                                note="x")
        assert refused.value.key == "staff-refused-closed"
    with pytest.raises(Refused):
        await workflow.take(session=session, report=report, actor=OLGA)


async def test_duplicates_follow_the_chain_and_merge_followers(session) -> None:
    first, second, third = [await new_report(session) for _ in range(3)]
    await workflow.mark_duplicate(session=session, report=second, original_number=first.id,
                                  actor=OLGA)
    change = await workflow.mark_duplicate(session=session, report=third,
                                           original_number=second.id, actor=OLGA)
    assert change.original.id == first.id  # #3 → #2 → #1
    assert len(change.new_followers) == 1
    with pytest.raises(Refused, match="duplicate-self"):
        await workflow.mark_duplicate(session=session, report=first, original_number=third.id,
                                      actor=OLGA)
    with pytest.raises(Refused, match="no-report"):
        await workflow.mark_duplicate(session=session, report=first, original_number=999,
                                      actor=OLGA)


async def test_reopen_is_for_the_reporter_within_the_window(session, city_config) -> None:
    report = await new_report(session)
    reporter = await session.get(Resident, report.reporter_id)
    stranger = Resident(telegram_id=999, first_name="S")
    session.add(stranger)
    await session.flush()
    with pytest.raises(Refused, match="cannot-reopen"):
        await workflow.reopen(session=session, report=report, resident=reporter, reason="x",
                              config=city_config)
    await workflow.move(session=session, report=report, action="resolve", actor=OLGA,
                        note="done")
    with pytest.raises(Refused, match="not-reporter"):
        await workflow.reopen(session=session, report=report, resident=stranger, reason="x",
                              config=city_config)
    later = report.closed_at + timedelta(days=city_config.reports.reopen_days, minutes=1)
    with pytest.raises(Refused, match="too-late"):
        await workflow.reopen(session=session, report=report, resident=reporter, reason="x",
                              config=city_config, now=later)
    change = await workflow.reopen(session=session, report=report, resident=reporter,
                                   reason="still there", config=city_config)
    assert report.status == "acknowledged" and report.closed_at is None  # Olga had it
    assert change.event.actor_kind == "resident" and report.sla_reminded_at is None


async def test_reassign_clears_the_card_and_the_assignee(session, city_config) -> None:
    report = await new_report(session)
    report.card_chat_id, report.card_message_id = -100, 42
    await workflow.take(session=session, report=report, actor=OLGA)
    change = await workflow.reassign(session=session, report=report, department="parks",
                                     actor=OLGA, config=city_config)
    assert change.old_card == (-100, 42) and change.moved_from == "roads"
    assert report.card_message_id is None and report.assignee_name is None
    with pytest.raises(Refused, match="same-department"):
        await workflow.reassign(session=session, report=report, department="parks",
                                actor=OLGA, config=city_config)
    with pytest.raises(Refused, match="no-department"):
        await workflow.reassign(session=session, report=report, department="nope",
                                actor=OLGA, config=city_config)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_pacer_spaces_sends_under_the_limits() -> None:
    clock = Clock()
    pacer = Pacer(per_second=30, margin=1.0, clock=clock)
    waits = [pacer.reserve(chat) for chat in range(1, 61)]  # 60 chats at once
    assert waits[0] == 0 and waits[30] == pytest.approx(1.0)  # 30 a second in all
    assert pacer.reserve(1) == pytest.approx(2.0)  # chat 1 again: after the queue, ≥ 1 s
    assert pacer.reserve(1, horizon=1.0) is None  # too far away: nothing reserved
    assert pacer.reserve(2, send=False) == pytest.approx(2 + 1 / 30)  # an edit: global only


def test_the_pacer_honours_429s() -> None:
    clock = Clock()
    pacer = Pacer(clock=clock)
    pacer.reserve(-100)
    pacer.throttled(-100, 3)  # a group: its own limit (20 a minute) explains it
    assert pacer.delay(6) == 0 and pacer.delay(-100) == pytest.approx(3)
    pacer.reserve(7)
    pacer.throttled(7, 2)  # a private chat, paced at 1/s: it must be the global limit
    assert pacer.delay(8) == pytest.approx(2) and pacer.reserve(8) == pytest.approx(2, abs=0.05)


def test_the_pacer_keeps_groups_under_20_a_minute() -> None:
    clock = Clock()
    pacer = Pacer(per_chat_interval=0.0, clock=clock)
    for _ in range(20):
        assert pacer.reserve(-100, horizon=100) is not None
    assert pacer.reserve(-100, horizon=30) is None
    assert pacer.delay(-100) > 55
