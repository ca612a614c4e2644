"""Filters shared by the dialogs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from citybot.runtime import Runtime


class MenuButton(Filter):
    """A press of a reply-keyboard button, in whichever language the keyboard was drawn."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def __call__(self, message: Message, runtime: Runtime) -> bool:
        return message.text in runtime.translator.all(self.key)


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

    return on_loop
