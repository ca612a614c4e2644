"""Pacing outgoing calls under Telegram's limits, so that bulk sending meets few 429s:
about 30 messages a second in all, one a second per chat, 20 a minute per group.

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


class Pacer:
    def __init__(self, *, per_second: float = 30, per_chat_interval: float = 1.0,
                 per_group_per_minute: int = 20, margin: float = 0.97,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / (per_second * margin)  # even spacing, a little under the limit
        self.chat_interval = per_chat_interval / margin
        self.group_limit = per_group_per_minute
        self.clock = clock
        # Global slots lie on a grid `interval` apart, so any second holds at most the limit;
        # a message that waits for its chat takes a later slot and leaves earlier ones free.
        self._origin = clock()
        self._taken: set[int] = set()
        self._last_taken = -1
        self._held_until = 0.0  # every chat waits until then (a global 429)
        self._next_chat: dict[int, float] = {}
        self._last_sent: dict[int, tuple[float | None, float]] = {}  # (the one before, last)
        self._group_sends: dict[int, deque[float]] = {}

    def _chat_ready(self, chat_id: int) -> float:
        ready = max(self._next_chat.get(chat_id, 0.0), self._held_until)
        sends = self._group_sends.get(chat_id)
        if chat_id < 0 and sends is not None and len(sends) >= self.group_limit:
            ready = max(ready, sends[0] + 60.0 / 0.97)
        return ready

    def backlog(self) -> float:
        """Seconds of global slots already handed out ahead of now."""
        return max(self._slot_time(self._last_taken) - self.clock(), 0.0)

    def _slot_time(self, slot: int) -> float:
        return self._origin + slot * self.interval

    def _free_slot(self, at: float) -> int:
        slot = max(math.ceil((at - self._origin) / self.interval - 1e-9), 0)
        while slot in self._taken:
            slot += 1
        return slot

    def delay(self, chat_id: int) -> float:
        """Seconds until the chat may be written to again (0 when now)."""
        return max(self._chat_ready(chat_id) - self.clock(), 0.0)

    def reserve(self, chat_id: int, *, send: bool = True, horizon: float = HORIZON) -> float | None:
        """Take the next slot for a call to `chat_id`: seconds to wait before making it, or None
        when the slot is beyond `horizon` (nothing is reserved then). Edits (`send=False`) count
        only towards the global rate."""
        now = self.clock()
        at = max(now, self._held_until)
        if send:
            at = max(at, self._chat_ready(chat_id))
        slot = self._free_slot(at)
        at = self._slot_time(slot)
        if at - now > horizon:
            return None
        self._taken.add(slot)
        self._last_taken = max(self._last_taken, slot)
        if send:
            self._next_chat[chat_id] = at + self.chat_interval
            before = self._last_sent.get(chat_id)
            self._last_sent[chat_id] = (before[1] if before else None, at)
            if chat_id < 0:
                sends = self._group_sends.setdefault(chat_id, deque(maxlen=self.group_limit))
                sends.append(at)
        self._forget(now)
        return at - now

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
        if len(self._taken) > 2_000:
            past = math.floor((now - 2.0 - self._origin) / self.interval)
            self._taken = {slot for slot in self._taken if slot > past}
        if len(self._next_chat) < 50_000:
            return
        stale = [chat for chat, at in self._next_chat.items() if at < now - 60]
        for chat in stale:
            self._next_chat.pop(chat, None)
            self._last_sent.pop(chat, None)
            self._group_sends.pop(chat, None)
