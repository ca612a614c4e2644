"""The staff desk through the emulator: residents file reports, officials work the cards."""

from __future__ import annotations

import asyncio

import pytest

from citybot.services.pacing import Pacer
from citybot.storage.models import Report
from citybot.testing import (  # noqa: F401 (CATEGORY_INDEX, SADOVAYA_12, file_report: tests')
    CATEGORY_INDEX,
    SADOVAYA_12,
    button_texts,
    count_rows,
    file_report,
    is_card,
)


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
