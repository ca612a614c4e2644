"""The outbox under faults — 500s, 429 with retry_after, 403, hung calls, flood limits, a crashed
worker: nothing lost, nothing doubled."""

import asyncio
import time
from datetime import timedelta

from sqlmodel import select

from citybot.services.pacing import Pacer
from citybot.storage import outbox
from citybot.storage.models import OutboxMessage, Resident, utcnow

from .conftest import card_of, file_report, press


async def enqueue(runtime, messages: list[tuple[int, str]]) -> None:
    async with runtime.sessions() as session:
        for chat_id, text in messages:
            await outbox.enqueue(session=session, kind="notification", chat_id=chat_id,
                                 payload={"text": text})
        await session.commit()
    runtime.wake_courier()


def delivered(emulator, user, marker: str) -> list[str]:
    return [m["text"] for m in emulator.messages(user) if marker in (m.get("text") or "")]


async def rows(runtime) -> list[OutboxMessage]:
    async with runtime.sessions() as session:
        return list((await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def until_sent(runtime, count: int, timeout: float = 10.0) -> list[OutboxMessage]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await rows(runtime)
        if sum(row.state == "sent" for row in found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"not sent: {[(r.id, r.state, r.last_error) for r in found]}")


async def test_server_errors_are_retried_once_delivered(emulator, citybot) -> None:
    anna, ivan = emulator.add_user("Anna"), emulator.add_user("Ivan")
    emulator.inject_fault("sendMessage", "500", chat_id=anna.id, times=1)
    emulator.inject_fault("sendMessage", "502", chat_id=ivan.id, times=1)
    await enqueue(citybot.runtime, [(anna.id, "note-a"), (ivan.id, "note-i")])
    found = await until_sent(citybot.runtime, 2, timeout=8)
    assert [row.attempts for row in found] == [2, 2]  # one failure, one success each
    assert delivered(emulator, anna, "note-a") == ["note-a"]
    assert delivered(emulator, ivan, "note-i") == ["note-i"]


async def test_a_429_waits_retry_after_and_is_not_counted_as_a_failure(emulator, citybot) -> None:
    anna = emulator.add_user("Anna")
    emulator.inject_fault("sendMessage", "429", chat_id=anna.id, retry_after=1, times=1)
    started = time.monotonic()
    await enqueue(citybot.runtime, [(anna.id, "limited")])
    message = await emulator.wait_for_message(anna, contains="limited", timeout=5)
    assert time.monotonic() - started >= 1.0
    assert message["text"] == "limited"
    (row,) = await until_sent(citybot.runtime, 1)
    assert row.attempts == 1 and "retry after 1" in row.last_error
    await emulator.assert_no_message(anna, within=0.3)


async def test_a_blocked_resident_is_marked_and_staff_are_told(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    emulator.block_bot(anna)
    await press(emulator, official, card, "🙋 Взять")
    notice = await emulator.wait_for_message(staff_group, contains="заблокировал")
    assert notice["reply_to_message"]["message_id"] == card["message_id"]
    assert "заявителю" in notice["text"]
    async with citybot.runtime.sessions() as session:
        resident = (await session.exec(select(Resident).where(
            Resident.telegram_id == anna.id))).one()
        assert resident.blocked_bot
        states = (await session.exec(select(OutboxMessage.state).where(
            OutboxMessage.chat_id == anna.id, OutboxMessage.kind == "notification"))).all()
    assert states == ["undeliverable"]
    # staff replying to a resident known to have blocked the bot are warned at once
    emulator.send_text(official, "Are you there?", chat=staff_group, reply_to=card)
    warning = await emulator.wait_for_message(staff_group, contains="может не получить")
    assert warning["reply_to_message"]["text"] == "Are you there?"


async def test_a_hung_call_does_not_hold_up_the_others(emulator, citybot) -> None:
    anna, ivan = emulator.add_user("Anna"), emulator.add_user("Ivan")
    emulator.inject_fault("sendMessage", "hang", chat_id=anna.id, hang_seconds=1.5)
    await enqueue(citybot.runtime, [(anna.id, "slow"), (ivan.id, "fast")])
    started = time.monotonic()
    await emulator.wait_for_message(ivan, contains="fast", timeout=3)
    assert time.monotonic() - started < 1.0  # not queued behind the hung call
    await emulator.wait_for_message(anna, contains="slow", timeout=5)
    await until_sent(citybot.runtime, 2)
    await asyncio.sleep(0.3)
    assert delivered(emulator, anna, "slow") == ["slow"]
    assert delivered(emulator, ivan, "fast") == ["fast"]


async def test_flood_limits_nothing_lost_nothing_doubled_in_order(emulator, citybot) -> None:
    citybot.courier.pacer = Pacer()  # Telegram's limits, as in production
    emulator.set_limits(per_chat_per_second=1, global_per_second=30)
    people = [emulator.add_user(f"P{i}") for i in range(20)]
    await enqueue(citybot.runtime, [(person.id, f"n{round_}-{person.first_name}")
                                     for round_ in range(3) for person in people])
    await until_sent(citybot.runtime, 60, timeout=15)
    for person in people:
        texts = delivered(emulator, person, "-")
        assert texts == [f"n{round_}-{person.first_name}" for round_ in range(3)]
    assert emulator.stats.statuses[429] <= 3  # paced, not hammered


async def test_a_crashed_worker_claim_is_taken_over(emulator, citybot) -> None:
    """The documented window: claimed by a worker that died before sending (or before
    recording it); after CLAIM_TIMEOUT another worker sends it."""
    anna = emulator.add_user("Anna")
    past = utcnow() - outbox.CLAIM_TIMEOUT - timedelta(seconds=5)
    async with citybot.runtime.sessions() as session:
        await outbox.enqueue(session=session, kind="notification", chat_id=anna.id,
                             payload={"text": "orphan"}, not_before=past)
        claimed = await outbox.claim_due(session=session, worker="dead", now=past)
    assert len(claimed) == 1
    citybot.runtime.wake_courier()
    await emulator.wait_for_message(anna, contains="orphan", timeout=5)
    (row,) = await until_sent(citybot.runtime, 1)
    assert row.claimed_by.startswith("test:")
