"""A draft left alone gets one reminder, and is dropped after its time to live."""

from datetime import timedelta

from sqlmodel import select

from citybot import jobs
from citybot.storage.models import ReportDraft, utcnow
from citybot.testing import button_texts


async def age_drafts(runtime, hours: float) -> None:
    async with runtime.sessions() as session:
        for draft in (await session.exec(select(ReportDraft))).all():
            draft.updated_at = utcnow() - timedelta(hours=hours)
            session.add(draft)
        await session.commit()


async def start_a_draft(emulator, user) -> None:
    emulator.send_text(user, "/report")
    picker = await emulator.wait_for_message(user)
    emulator.click_button(user, picker, button_texts(picker)[0])
    await emulator.wait_for_message(user)


async def test_one_reminder_then_continue(emulator, citybot) -> None:
    ivan = emulator.add_user("Иван", language_code="ru")
    await start_a_draft(emulator, ivan)
    runtime = citybot.runtime
    assert await jobs.remind_idle_drafts(runtime) == 0  # fresh drafts are left alone
    await age_drafts(runtime, 21)
    assert await jobs.remind_idle_drafts(runtime) == 1
    assert await jobs.remind_idle_drafts(runtime) == 0  # one reminder, not one an hour
    reminder = await emulator.wait_for_message(ivan)
    assert "не отправили" in reminder["text"]
    emulator.click_button(ivan, reminder, "▶️ Продолжить")
    assert "Опишите проблему" in (await emulator.wait_for_message(ivan))["text"]


async def test_an_expired_draft_is_dropped_and_the_resident_told(emulator, citybot) -> None:
    anna = emulator.add_user("Anna")
    await start_a_draft(emulator, anna)
    assert await jobs.drop_expired_drafts(citybot.runtime) == 0
    await age_drafts(citybot.runtime, 25)
    assert await jobs.drop_expired_drafts(citybot.runtime) == 1
    emulator.send_text(anna, "A pothole the size of a bathtub")
    gone = await emulator.wait_for_message(anna)
    assert "no longer here" in gone["text"]
    emulator.send_text(anna, "/report")  # and a new one starts cleanly
    assert "What kind of problem" in (await emulator.wait_for_message(anna))["text"]
