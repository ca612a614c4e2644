"""Pacing outgoing calls under Telegram's limits, so that bulk sending meets few 429s:
about 30 messages a second in all, one a second per chat, 20 a minute per group.

A paid broadcast (`allow_paid_broadcast`) has a grid of its own at up to 1000 a second; the
per-chat and per-group limits hold for it too.

A sender asks `reserve(chat_id)` for a slot and sleeps for the answer; a slot further away than
`horizon` is not handed out (the caller puts the message back in the queue instead of holding
it). A 429 holds its chat for `retry_after` seconds, or every chat when it cannot have come from
the chat's own limit.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

HORIZON = 5.0  # seconds a sender may wait for its slot


class _Grid:
    """Global slots `interval` apart, so any second holds at most the rate; a message that waits
    for its chat takes a later slot and leaves earlier ones free."""

    def __init__(self, per_second: float, margin: float, origin: float) -> None:
        self.interval = 1.0 / (per_second * margin)  # even spacing, a little under the limit
        self.origin = origin
        self.taken: set[int] = set()
        self.last_taken = -1
        # when the last calls were actually made: at most this many in any second
        self.made: deque[float] = deque(maxlen=max(1, math.floor(per_second * margin)))

    def wait_to_make(self, now: float) -> float:
        """Seconds until one more call keeps the calls actually made in the last second under
        the limit (slots are planned; a busy event loop makes calls late, then in a bunch)."""
        if len(self.made) < (self.made.maxlen or 1):
            return 0.0
        return max(self.made[0] + 1.0 - now, 0.0)

    def time(self, slot: int) -> float:
        return self.origin + slot * self.interval

    def free_slot(self, at: float) -> int:
        slot = max(math.ceil((at - self.origin) / self.interval - 1e-9), 0)
        while slot in self.taken:
            slot += 1
        return slot

    def take(self, slot: int) -> None:
        self.taken.add(slot)
        self.last_taken = max(self.last_taken, slot)

    def backlog(self, now: float) -> float:
        return max(self.time(self.last_taken) - now, 0.0)

    def forget(self, now: float) -> None:
        if len(self.taken) > 2_000:
            past = math.floor((now - 2.0 - self.origin) / self.interval)
            self.taken = {slot for slot in self.taken if slot > past}


class Pacer:
    def __init__(self, *, per_second: float = 30, per_chat_interval: float = 1.0,
                 per_group_per_minute: int = 20, paid_per_second: float = 1000,
                 margin: float = 0.97, paid_margin: float = 0.94,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.chat_interval = per_chat_interval / margin
        self.group_limit = per_group_per_minute
        self.clock = clock
        self._grids = {False: _Grid(per_second, margin, clock()),
                       True: _Grid(paid_per_second, paid_margin, clock())}
        self._held_until = 0.0  # every chat waits until then (a global 429)
        self._next_chat: dict[int, float] = {}
        self._last_sent: dict[int, tuple[float | None, float]] = {}  # (the one before, last)
        self._group_sends: dict[int, deque[float]] = {}
        self._made: dict[int, float] = {}  # chat -> when a call to it was actually made

    def _chat_ready(self, chat_id: int) -> float:
        ready = max(self._next_chat.get(chat_id, 0.0), self._held_until)
        sends = self._group_sends.get(chat_id)
        if chat_id < 0 and sends is not None and len(sends) >= self.group_limit:
            ready = max(ready, sends[0] + 60.0 / 0.97)
        return ready

    @property
    def interval(self) -> float:
        """Seconds between two global slots (not paid)."""
        return self._grids[False].interval

    def backlog(self) -> float:
        """Seconds of global slots already handed out ahead of now."""
        now = self.clock()
        return max(grid.backlog(now) for grid in self._grids.values())

    def delay(self, chat_id: int) -> float:
        """Seconds until the chat may be written to again (0 when now)."""
        return max(self._chat_ready(chat_id) - self.clock(), 0.0)

    def reserve(self, chat_id: int, *, send: bool = True, paid: bool = False,
                horizon: float = HORIZON) -> float | None:
        """Take the next slot for a call to `chat_id`: seconds to wait before making it, or None
        when the slot is beyond `horizon` (nothing is reserved then). Edits (`send=False`) count
        only towards the global rate; `paid` messages towards the paid broadcast rate."""
        now = self.clock()
        grid = self._grids[paid]
        at = max(now, self._held_until)
        if send:
            at = max(at, self._chat_ready(chat_id))
        slot = grid.free_slot(at)
        at = grid.time(slot)
        if at - now > horizon:
            return None
        grid.take(slot)
        if send:
            self._next_chat[chat_id] = at + self.chat_interval
            before = self._last_sent.get(chat_id)
            self._last_sent[chat_id] = (before[1] if before else None, at)
            if chat_id < 0:
                sends = self._group_sends.setdefault(chat_id, deque(maxlen=self.group_limit))
                sends.append(at)
        self._forget(now)
        return at - now

    def admit(self, chat_id: int, *, send: bool = True, paid: bool = False) -> float:
        """Just before making a call whose slot has come: seconds to wait so that the calls
        actually made stay under the limits too, or 0 when it may go now (it is counted then)."""
        now = self.clock()
        grid = self._grids[paid]
        wait = grid.wait_to_make(now)
        if send and chat_id in self._made:
            wait = max(wait, self._made[chat_id] + self.chat_interval - now)
        if wait > 0:
            return wait
        grid.made.append(now)
        if send:
            self._made[chat_id] = now
        return 0.0

    def throttled(self, chat_id: int, retry_after: float) -> None:
        """Telegram answered 429 for this chat: hold it, or everyone when the chat's own limit
        cannot explain it (a private chat not written to in the second before)."""
        now = self.clock()
        until = now + retry_after
        before, last = self._last_sent.get(chat_id, (None, now))
        if chat_id > 0 and (before is None or last - before >= 1.0):
            self._held_until = max(self._held_until, until)
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), until)

    def _forget(self, now: float) -> None:
        """Drop slots and chats whose limits have long passed, so memory stays small."""
        for grid in self._grids.values():
            grid.forget(now)
        if len(self._next_chat) < 50_000:
            return
        stale = [chat for chat, at in self._next_chat.items() if at < now - 60]
        for chat in stale:
            self._next_chat.pop(chat, None)
            self._last_sent.pop(chat, None)
            self._group_sends.pop(chat, None)
            self._made.pop(chat, None)
