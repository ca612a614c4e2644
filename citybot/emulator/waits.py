"""What a test waits for in the emulated Telegram: the bot's next message in a chat or topic,
an edit, a Bot API call, a callback answer — or that nothing comes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .telegram import Chat, ChatLike, MessageLike, Telegram, describe

__all__ = ["WaitTimeout", "Waits"]


class WaitTimeout(TimeoutError):
    """The bot did not do what a wait_for_* call expected in time."""


class Waits(Telegram):
    """Waits on the bot's doings; each raises WaitTimeout with what was there instead."""

    def _take(self, chat: Chat, thread_id: int | None, contains: str | None,
              predicate: Callable[[dict], bool] | None, consume: bool = True) -> dict | None:
        while chat.cursor < len(chat.sent) and chat.sent[chat.cursor] in chat.consumed:
            chat.cursor += 1
        for i in range(chat.cursor, len(chat.sent)):
            mid = chat.sent[i]
            msg = chat.current(mid)
            if mid in chat.consumed or msg is None:
                continue
            if thread_id is not None and msg.get("message_thread_id") != thread_id:
                continue
            if contains is not None and contains not in (msg.get("text") or msg.get("caption")
                                                         or ""):
                continue
            if predicate is not None and not predicate(msg):
                continue
            if consume:
                chat.consumed.add(mid)
            return msg
        return None

    async def wait_for_message(self, chat: ChatLike, timeout: float = 5.0, *,
                               contains: str | None = None, thread_id: int | None = None,
                               predicate: Callable[[dict], bool] | None = None) -> dict:
        """The next bot message in the chat (or topic) that no earlier wait took, matching the
        filters; messages skipped by the filters stay available to later waits."""
        owner = self.chat(chat)
        deadline = asyncio.get_running_loop().time() + timeout
        while (msg := self._take(owner, thread_id, contains, predicate)) is None:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or not await owner.signal.wait(remaining):
                if (msg := self._take(owner, thread_id, contains, predicate)) is not None:
                    return msg
                raise WaitTimeout(self._timeout_report(owner, timeout, contains, thread_id))
        return msg

    def _timeout_report(self, chat: Chat, timeout: float, contains: str | None,
                        thread_id: int | None) -> str:
        pending = [describe(m) for mid in chat.sent[chat.cursor:]
                   if mid not in chat.consumed and (m := chat.current(mid))]
        recent = [describe(m) for m in self.messages(chat)[-3:]]
        return (f"no bot message in {chat!r} within {timeout}s (contains={contains!r}, "
                f"thread_id={thread_id}); not yet taken: {pending or 'none'}; last sent: "
                f"{recent or 'none'}")

    async def assert_no_message(self, chat: ChatLike, within: float = 0.3, *,
                                thread_id: int | None = None) -> None:
        """Fail if the bot sends anything new (not yet taken) to the chat within `within` s."""
        owner = self.chat(chat)
        deadline = asyncio.get_running_loop().time() + within
        while (msg := self._take(owner, thread_id, None, None, consume=False)) is None:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            await owner.signal.wait(remaining)
        raise AssertionError(f"unexpected bot message in {owner!r}: {describe(msg)}")

    async def wait_for_edit(self, message: MessageLike, timeout: float = 5.0, *,
                            contains: str | None = None) -> dict:
        """The message's newer version: pass the dict you hold (returns at once if it has been
        edited since) or (chat_id, message_id) to wait for the next edit."""
        chat, current = self.message(message)
        base = message if isinstance(message, dict) else current
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            now = chat.messages.get(base["message_id"])
            if now is not None and now != base and (
                    contains is None or contains in (now.get("text") or now.get("caption") or "")):
                return now
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or not await chat.signal.wait(remaining):
                raise WaitTimeout(f"message {describe(base)} in {chat!r} was not edited "
                                  f"within {timeout}s (contains={contains!r})")

    async def wait_for_call(self, method: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until the bot has called `method` (e.g. "getUpdates": it is polling) `count`
        times in all."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.stats.calls[method] < count:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or not await self.requests_signal.wait(remaining):
                if self.stats.calls[method] >= count:
                    return
                raise WaitTimeout(f"{method} called {self.stats.calls[method]} times, "
                                  f"expected {count}, within {timeout}s")

    async def wait_for_callback_answer(self, callback_query_id: str,
                                       timeout: float = 5.0) -> dict:
        deadline = asyncio.get_running_loop().time() + timeout
        while (answer := self.answered_callbacks.get(callback_query_id)) is None:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or not await self.callbacks_signal.wait(remaining):
                if callback_query_id in self.answered_callbacks:
                    continue
                raise WaitTimeout(f"callback query {callback_query_id} not answered in {timeout}s")
        return answer
