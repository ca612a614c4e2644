"""429s from flood limits and injected faults: what aiogram raises, and that stop() is clean."""

import asyncio

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)


async def test_per_chat_limit(emu, bot, anna):
    emu.set_limits(per_chat_per_second=1)
    await bot.send_message(anna.id, "one")
    with pytest.raises(TelegramRetryAfter) as err:
        await bot.send_message(anna.id, "two")
    assert err.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in str(err.value)
    ivan = emu.add_user("Иван")
    await bot.send_message(ivan.id, "other chats are fine")
    await asyncio.sleep(1.0)
    await bot.send_message(anna.id, "after waiting")
    assert emu.stats.retry_after_served == 1 and emu.stats.statuses[429] == 1


async def test_global_and_group_limits(emu, bot):
    emu.set_limits(per_chat_per_second=100, global_per_second=3, per_group_per_minute=2)
    people = [emu.add_user(f"U{i}") for i in range(4)]
    for person in people[:3]:
        await bot.send_message(person.id, "news")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(people[3].id, "news")
    await bot.send_message(people[3].id, "paid", allow_paid_broadcast=True)  # 1000/s bucket
    emu.set_limits(per_chat_per_second=100, global_per_second=100, per_group_per_minute=2)
    staff = emu.add_group("City staff")
    await bot.send_message(staff.id, "1")
    await bot.send_message(staff.id, "2")
    with pytest.raises(TelegramRetryAfter) as err:
        await bot.send_message(staff.id, "3")
    assert 1 < err.value.retry_after <= 60
    emu.set_limits(enabled=False)
    await bot.send_message(staff.id, "limits off")


async def test_injected_429_500_403_400(emu, bot, anna):
    ivan = emu.add_user("Иван")
    emu.inject_fault("sendMessage", "429", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as err:
        await bot.send_message(anna.id, "x")
    assert err.value.retry_after == 7
    await bot.send_message(anna.id, "times=1 by default: this one passes")
    emu.inject_fault("sendMessage", "500", chat_id=anna.id, times=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(anna.id, "x")
    await bot.send_message(ivan.id, "other chats unaffected")
    await bot.send_message(anna.id, "fault used up")
    emu.inject_fault("sendPhoto", "403")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_photo(anna.id, "whatever")
    emu.inject_fault("getMe", "400", description="Bad Request: custom", times=None)
    for _ in range(2):
        with pytest.raises(TelegramBadRequest, match="custom"):
            await bot.get_me()
    emu.clear_faults()
    await bot.get_me()
    assert len(emu.messages(anna)) == 2


async def test_hang_does_not_block_others_and_can_be_released(emu, bot, anna):
    emu.inject_fault("sendMessage", "hang", chat_id=anna.id)
    hung = asyncio.create_task(bot.send_message(anna.id, "slow"))
    await emu.wait_for_call("sendMessage")
    assert (await asyncio.wait_for(bot.get_me(), 1)).is_bot  # others are served meanwhile
    assert not hung.done()
    emu.release_hangs()
    assert (await asyncio.wait_for(hung, 2)).text == "slow"
    emu.inject_fault("sendMessage", "hang", hang_seconds=0.1)
    assert (await asyncio.wait_for(bot.send_message(anna.id, "late"), 2)).text == "late"


async def test_stop_releases_hangs_and_long_polls(emu, bot, anna):
    emu.inject_fault("sendMessage", "hang")
    hung = asyncio.create_task(bot.send_message(anna.id, "never"))
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await emu.wait_for_call("sendMessage")
    await emu.wait_for_call("getUpdates")
    loop = asyncio.get_running_loop()
    started = loop.time()
    await emu.stop()
    with pytest.raises((TelegramServerError, TelegramNetworkError)):
        await asyncio.wait_for(hung, 3)
    assert await asyncio.wait_for(poll, 3) == []
    assert loop.time() - started < 3
