"""Filters shared by the dialogs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from citybot.i18n import Translator
from citybot.runtime import Runtime

MENU_KEYS = ("menu-report", "menu-my-reports", "menu-ask", "menu-settings", "menu-privacy")


def plain(text: str) -> str:
    """Text as words only: "⚙️ Settings!" and "settings" read the same."""
    words = "".join(ch if ch.isalnum() else " " for ch in text.lower().replace("ё", "е"))
    return " ".join(words.split())


@lru_cache(maxsize=16)
def menu_words(translator: Translator, key: str) -> frozenset[str]:
    """A menu button's label and its plain words (`menu-words-…`), in every language."""
    words = {plain(label) for label in translator.all(key)}
    for listed in translator.all("menu-words-" + key.removeprefix("menu-")):
        words.update(plain(word) for word in listed.split(","))
    return frozenset(words - {""})


def menu_key_of(text: str | None, runtime: Runtime) -> str | None:
    """Which menu button the text is (its press, or its plain words typed), if any."""
    if not text or len(text) > 40:
        return None
    words = plain(text)
    return next((key for key in MENU_KEYS if words in menu_words(runtime.translator, key)),
                None)


class MenuButton(Filter):
    """A press of a reply-keyboard button, in whichever language the keyboard was drawn, or
    its plain words typed ("settings", "мои заявки"): always what it says, whatever is open."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def __call__(self, message: Message, runtime: Runtime) -> bool:
        return menu_key_of(message.text, runtime) == self.key


def run_sync_filters_on_loop(router: Router) -> None:
    """aiogram runs every synchronous filter in a worker thread (asyncio.to_thread), and the
    common ones are synchronous: magic filters (`F.text`, `F.chat.type == "private"`) and states
    used as filters (`ReportFlow.location`). They only compare attributes, so call them on the
    event loop instead: py-spy on a busy bot showed the thread hops costing more CPU than the
    handlers."""
    for observer in router.observers.values():
        handlers = [*observer.handlers, getattr(observer, "_handler", None)]
        for handler in filter(None, handlers):
            for event_filter in handler.filters or ():
                if not event_filter.awaitable:
                    event_filter.callback = _on_loop(event_filter.callback)
                    event_filter.awaitable = True
    for child in router.sub_routers:
        run_sync_filters_on_loop(child)


def _on_loop(check: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    async def on_loop(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    on_loop.wrapped_filter = check  # type: ignore[attr-defined]  # what it runs, for tests
    return on_loop
