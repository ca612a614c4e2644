"""The supervisor of `--workers N` starts a dead worker again, pausing longer while they die
young (a database still coming up) and briefly again once one has lived."""

from __future__ import annotations

import pytest

from citybot.bot import workers
from citybot.bot.workers import MAX_RESTART_DELAY, YOUNG, Slot


class FakeProcess:
    count = 0

    def __init__(self) -> None:
        FakeProcess.count += 1
        self.pid = FakeProcess.count
        self.code: int | None = None

    def poll(self) -> int | None:
        return self.code


@pytest.fixture
def spawned(monkeypatch) -> list[FakeProcess]:
    made: list[FakeProcess] = []

    def spawn(env, log_level):
        made.append(FakeProcess())
        return made[-1]

    monkeypatch.setattr(workers, "_spawn", spawn)
    return made


def pauses(slot: Slot, spawned: list[FakeProcess], lives: list[float], now: float) -> list[float]:
    """Each worker dies after living `lives[i]` seconds; the pause before its successor."""
    seen: list[float] = []
    before = len(spawned)
    for life in lives:
        now += life
        spawned[-1].code = 1
        slot.tend(now)
        assert slot.restart_at is not None
        seen.append(slot.restart_at - now)
        slot.tend(slot.restart_at - 0.01)  # not yet
        assert len(spawned) == before + len(seen) - 1
        now = slot.restart_at
        slot.tend(now)
        assert len(spawned) == before + len(seen)  # started again
        assert slot.process is spawned[-1] and slot.restart_at is None
    return seen


def test_a_dead_worker_is_started_again_after_a_pause_that_grows_while_they_die_young(
    spawned
) -> None:
    slot = Slot({}, "INFO", now=0.0)
    slot.tend(5.0)  # alive: nothing to do
    assert len(spawned) == 1 and slot.restart_at is None
    young = pauses(slot, spawned, [1.0] * 7, now=5.0)
    assert young == [1.0, 2.0, 4.0, 8.0, 16.0, MAX_RESTART_DELAY, MAX_RESTART_DELAY]
    after_a_while = pauses(slot, spawned, [YOUNG + 60, 1.0], now=1000.0)
    assert after_a_while == [1.0, 2.0]  # short again once one has run a while
