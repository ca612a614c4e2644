"""Proposals and polls through the emulator: a bot whose proposals need two supports."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from citybot.config import Proposals
from citybot.services.pacing import Pacer

THRESHOLD = 2


@pytest.fixture
def ideas_config(city_config):
    return city_config.model_copy(update={"proposals": Proposals(
        threshold=THRESHOLD, window_days=90, department="parks", answer_days=30)})


@pytest.fixture
async def citybot(emulator, sqlite_url, ideas_config, staff_group) -> AsyncIterator:
    from citybot.testing import running_bot

    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=ideas_config) as running:
        running.courier.pacer = Pacer(per_chat_interval=0.02, per_group_per_minute=10_000)
        yield running


def texts_of(citybot, language: str):
    return citybot.runtime.translator(language)
