"""The staff desk through the emulator: residents file reports, officials work the cards."""

from __future__ import annotations

import asyncio

import pytest

from citybot.services.pacing import Pacer
from citybot.storage.models import Report
from citybot.testing import button_texts, count_rows

SADOVAYA_12 = (56.8961, 39.5840)  # Central District
CATEGORY_INDEX = {"roads": 0, "lighting": 1, "waste": 2, "graffiti": 4, "greenery": 6}




async def file_report(emulator, user, description: str, *, category: str = "roads",
                      point: tuple[float, float] = SADOVAYA_12) -> int:
    """A resident files a report through the dialog; returns its number."""
    emulator.send_text(user, "/report")
    picker = await emulator.wait_for_message(user)
    emulator.click(user, picker, picker["reply_markup"]["inline_keyboard"][
        CATEGORY_INDEX[category] // 2][CATEGORY_INDEX[category] % 2]["callback_data"])
    await emulator.wait_for_message(user)  # describe it
    emulator.send_text(user, description)
    await emulator.wait_for_message(user)  # where?
    emulator.send_location(user, *point)
    await emulator.wait_for_message(user)  # the address
    photos = await emulator.wait_for_message(user)
    emulator.click_button(user, photos, button_texts(photos)[0])  # skip
    summary = await emulator.wait_for_message(user)
    emulator.click_button(user, summary, button_texts(summary)[0])  # send
    created = await emulator.wait_for_message(user, predicate=lambda m: "#" in m.get("text", ""))
    return int(created["text"].split("#", 1)[1].split()[0].rstrip(".,"))


def is_card(number: int):
    def check(message: dict) -> bool:
        return (message.get("text") or "").split("\n")[0].split(" · ")[0].endswith(f"#{number}")
    return check


async def card_of(emulator, group, number: int) -> dict:
    return await emulator.wait_for_message(group, predicate=is_card(number))


async def card_recorded(runtime, number: int) -> None:
    """The courier recorded where the card stands (it commits just after Telegram answers): a
    reply to the card is recognised from then on."""
    for _ in range(400):
        if await count_rows(runtime, Report, Report.id == number,
                            Report.card_message_id.is_not(None)):
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"card of #{number} not recorded")


def current(emulator, message: dict) -> dict:
    """The message as it stands now (edits applied)."""
    return emulator.message(message)[1]


async def press(emulator, user, message: dict, label: str) -> dict:
    """Press a button of the message as it is now; returns the callback answer."""
    query_id = emulator.click_button(user, current(emulator, message), label)
    return await emulator.wait_for_callback_answer(query_id)


async def reply_in_group(emulator, user, group, to: dict, text: str) -> dict:
    return emulator.send_text(user, text, chat=group, reply_to=to)


@pytest.fixture
def ivan_official(emulator, staff_group):
    """A Russian-speaking official in the staff group."""
    ivan = emulator.add_user("Иван", language_code="ru")
    emulator.add_member(staff_group, ivan)
    return ivan


@pytest.fixture
async def citybot(citybot):
    """The bot of tests/conftest.py; its courier paces for an emulator without flood limits
    (the real limits are exercised in test_outbox_faults and the benchmark)."""
    citybot.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
    return citybot
