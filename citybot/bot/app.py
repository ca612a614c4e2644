"""Builds the Bot and the Dispatcher; `run_polling` is the process behind `citybot run`."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import orjson
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
)

from citybot.bot import errors, pipeline
from citybot.bot.pipeline.conversation import AfterCommitStorage
from citybot.bot.pipeline.stateless import ConversationState
from citybot.bot.session import JsonBodySession
from citybot.dialogs import (
    aside,
    fallback,
    followup,
    handoff,
    intents,
    menu,
    my_reports,
    poll_answers,
    privacy,
    proposals,
    public_link,
    questions,
    report,
    settings,
    staff,
    subscriptions,
)
from citybot.dialogs.filters import run_sync_filters_on_loop
from citybot.dialogs.gates import GatedRouter, gate_routers, in_groups
from citybot.outbox import Courier, courier_for
from citybot.runtime import Runtime

if TYPE_CHECKING:  # prometheus_client is loaded only where metrics are served (webhook mode)
    from citybot.bot.metrics import Metrics

log = logging.getLogger("citybot.bot")


def json_loads(data: str | bytes) -> Any:
    """orjson for every update and Bot API answer read, the webhook's body too. Telegram can
    send a lone UTF-16 surrogate (a half of an emoji cut off), which orjson refuses and the
    standard library reads: one such update must not stop a batch of getUpdates forever."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def json_dumps(value: object) -> str:
    """orjson for every Bot API call's JSON (keyboards, entities); the standard library for
    what orjson refuses (that lone surrogate, echoed back in an answer)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def build_bot(token: str, api_url: str, *, metrics: Metrics | None = None) -> Bot:
    """`metrics` (webhook mode) counts the Bot API's 429s. JSON goes through orjson, the
    webhook's request body too (webhook.py reads it with the session's `json_loads`); a call
    goes as one JSON body, not a multipart form (citybot.bot.session)."""
    session = JsonBodySession(api=TelegramAPIServer.from_base(api_url.rstrip("/")),
                             json_loads=json_loads, json_dumps=json_dumps)
    pipeline.install(bot_session=session, metrics=metrics)  # around every Bot API call
    return Bot(
        token,
        session=session,
        default=DefaultBotProperties(
            parse_mode=ParseMode.HTML,
            link_preview=LinkPreviewOptions(is_disabled=True),
        ),
    )


def build_storage(runtime: Runtime, redis_url: str | None) -> BaseStorage:
    """Conversation state in Redis when REDIS_URL is set (several workers), else in SQL."""
    if redis_url:
        from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

        key_builder = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        # a conversation left alone longer than a resident is kept goes by itself
        kept = timedelta(days=runtime.config.privacy.inactive_resident_days)
        return AfterCommitStorage(RedisStorage.from_url(
            redis_url, key_builder=key_builder, state_ttl=kept, data_ttl=kept))
    from citybot.storage.fsm import SQLStorage

    return SQLStorage(runtime.engine, shared_session=pipeline.current_session.get)


def build_courier(bot: Bot, runtime: Runtime, worker: str | None = None) -> Courier:
    """The outbox's courier (citybot.outbox), sending through this bot's request middlewares."""
    return courier_for(bot, runtime, worker=worker, session_scope=pipeline.speaking_for)


def build_isolation(storage: BaseStorage) -> BaseEventIsolation:
    """One update at a time per conversation (a double tap is two updates, handled in turn);
    across workers through Redis."""
    create = getattr(storage, "create_isolation", None)
    return create() if create is not None else SimpleEventIsolation()


def build_dispatcher(runtime: Runtime, storage: BaseStorage, *,
                     telegram_resends: bool = False) -> Dispatcher:
    """Every router in one place: residents in private chats, staff in the staff group.
    `telegram_resends`: updates come over a webhook, and Telegram sends an update again when
    it is not answered 2xx — so an update that met a database or Redis outage is left to that
    (errors.py) rather than apologised for."""
    isolation = build_isolation(storage)
    dp = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True,
                    runtime=runtime, telegram_resends=telegram_resends)
    dp.fsm = ConversationState(storage=storage, events_isolation=isolation)  # where aiogram's
    dp.update.outer_middleware(dp.fsm)  # goes: after the user context, before ours
    residents = GatedRouter(name="residents")
    residents.message.filter(F.chat.type == "private")
    residents.callback_query.filter(F.message.chat.type == "private")
    residents.message.outer_middleware(intents.ReadOnce())  # a text is parsed once at most
    # states, commands and buttons first; then free text by intent; then the fallbacks
    residents.include_routers(*in_groups(*(dialog.build_router() for dialog in (
        public_link, proposals, menu, settings, privacy, subscriptions, my_reports, aside,
        followup, handoff, report, questions,
    ))))  # in that order, passed four at a time where none of the four can take the update
    residents.include_router(intents.build_router(*(dialog.build_intent_router() for dialog in (
        report, questions, my_reports, handoff, subscriptions, menu, proposals,
    ))))
    residents.include_routers(questions.build_fallback_router(), fallback.build_router())

    pipeline.install(dispatcher=dp, residents=residents)  # the road around every handler
    dp.include_routers(errors.build_router(),
                       staff.build_membership_router(runtime.staff_chat_id),
                       staff.build_router(runtime.staff_chat_id),
                       *staff.build_guard_routers(runtime.staff_chat_id),
                       poll_answers.build_router(), residents)
    gate_routers(dp)  # a router is tried only when one of its handlers could take the update
    run_sync_filters_on_loop(dp)
    return dp


RESIDENT_COMMANDS = ("start", "report", "my", "propose", "ideas", "subscribe", "settings", "human",
                     "help", "privacy", "mydata", "forget")
STAFF_COMMANDS = ("queue", "report", "stats", "announce", "poll")


async def set_commands(bot: Bot, runtime: Runtime) -> None:
    """The command menus: residents' in private chats, staff's in the staff group."""
    for language in ("en", "ru"):
        texts = runtime.translator(language)
        residents = [BotCommand(command=name, description=texts(f"command-{name}"))
                     for name in RESIDENT_COMMANDS]
        await bot.set_my_commands(residents, scope=BotCommandScopeAllPrivateChats(),
                                  language_code=language)
        staff = [BotCommand(command=name, description=texts(f"command-staff-{name}"))
                 for name in STAFF_COMMANDS]
        await bot.set_my_commands(staff, scope=BotCommandScopeChat(chat_id=runtime.staff_chat_id),
                                  language_code=language)
