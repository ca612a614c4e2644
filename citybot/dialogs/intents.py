"""Free text by what it means: the NLU reads a resident's text once per update, and each dialog
registers the intents it serves with the `Intent` filter, which hands the parse to the handler.

The road of a free text (private chat, no conversation step, or asking a question):

1. `ReadOnce` (an outer middleware of the residents' router, in citybot.bot.app) puts an
   `Understanding` in the update's data: nothing is parsed yet.
2. The routers of the dialogs come first, so a step of a conversation, a command or a menu
   button takes the text before any intent (and costs no parse).
3. The intents router (`build_router`): the first `Intent` filter asked parses the text (one
   NLU call per update, kept in the `Understanding`); the dialog whose intent it is, above the
   confidence threshold, gets the message with `parse=` as a keyword argument.
4. What no intent took (unsure, out of scope, too long to be a question) reaches the fallback,
   `citybot.dialogs.questions.understand`, which reads the same parse.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.types import Message, TelegramObject

from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.states import AskFlow
from citybot.i18n import Texts
from citybot.nlu import Parse
from citybot.runtime import Runtime

MAX_QUESTION = 500  # characters: longer text is not a question for the knowledge base


class Understanding:
    """The NLU's reading of one update's text, made when first asked and then kept."""

    def __init__(self, message: Message, runtime: Runtime, lang: str) -> None:
        self.text = (message.text or "").strip()
        self.runtime = runtime
        self.lang = lang
        self._parse: Parse | None = None

    @property
    def too_long(self) -> bool:
        return len(self.text) > MAX_QUESTION

    async def parse(self) -> Parse | None:
        """None for a text too long to be a question (it is not parsed)."""
        if self._parse is None and self.text and not self.too_long:
            self._parse = await self.runtime.nlu.parse(self.text, self.lang)
        return self._parse

    async def confident(self) -> Parse | None:
        """The parse when the bot should act on it; None when it should offer help instead."""
        parse = await self.parse()
        threshold = self.runtime.config.nlu.confidence_threshold
        return None if parse is None or parse.needs_fallback(threshold) else parse


class ReadOnce(BaseMiddleware):
    """Gives each message an `Understanding` (data["understanding"]) that the intent filters and
    the fallback share, so a text is parsed at most once however many filters look at it."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message) and event.text is not None:
            texts: Texts = data["texts"]
            data["understanding"] = Understanding(event, data["runtime"], texts.lang)
        return await handler(event, data)


class Intent(Filter):
    """Free text the NLU confidently reads as one of `names`; the handler gets `parse=`."""

    def __init__(self, *names: str) -> None:
        self.names = frozenset(names)

    async def __call__(self, message: Message, runtime: Runtime, texts: Texts,
                       understanding: Understanding | None = None) -> bool | dict[str, Any]:
        understanding = understanding or Understanding(message, runtime, texts.lang)
        parse = await understanding.confident()
        if parse is None or parse.intent not in self.names:
            return False
        return {"parse": parse}


def build_router(*routers: Router) -> Router:
    """The dialogs' intent routers under one: free text with no conversation step waiting (or
    while asking a question). Placed after the dialogs' own routers, before the fallback."""
    router = GatedRouter(name="intents")
    router.message.filter(StateFilter(None, AskFlow.question), F.text)
    router.include_routers(*routers)
    return router
