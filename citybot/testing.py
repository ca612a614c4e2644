"""Run the real bot in-process against a Bot API server (the emulator): for tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiohttp import web

from citybot.bot.app import build_bot, build_courier, build_dispatcher, build_storage
from citybot.config import CityConfig
from citybot.dialogs.callbacks import IdeaAction
from citybot.outbox import Courier
from citybot.runtime import Runtime, build_runtime
from citybot.settings import Settings
from citybot.storage.database import upgrade
from citybot.web.app import Part, Site, build_web_app, default_parts
from citybot.web.server import serving


@dataclass
class RunningBot:
    bot: Bot
    dispatcher: Dispatcher
    runtime: Runtime
    task: asyncio.Task[None]
    courier: Courier
    web_port: int | None = None  # where the HTTP app listens, when asked for
    web_app: web.Application | None = None


@contextlib.asynccontextmanager
async def running_bot(
    *, api_url: str, token: str, database_url: str, config: CityConfig,
    staff_chat_id: int | None = None, redis_url: str | None = None, migrate: bool = True,
    web_listen: str | None = None, web_parts: Sequence[Part] = (),
) -> AsyncIterator[RunningBot]:
    """Polls `api_url` until the block ends, then stops as SIGTERM would; with `web_listen`
    (e.g. 127.0.0.1:0) the HTTP app is served too, with `web_parts` beside the default ones."""
    settings = Settings(
        BOT_TOKEN=token, TELEGRAM_API_URL=api_url, DATABASE_URL=database_url,
        STAFF_CHAT_ID=staff_chat_id, REDIS_URL=redis_url,
    )
    if migrate:
        await asyncio.to_thread(upgrade, database_url)
    runtime = build_runtime(settings, config)
    storage = build_storage(runtime, redis_url)
    bot = build_bot(token, api_url)
    dispatcher = build_dispatcher(runtime, storage)
    task = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False,
                                 polling_timeout=1)
    )
    courier = build_courier(bot, runtime, worker="test")
    courier_task = asyncio.create_task(courier.run(runtime.courier_wakeup, idle_seconds=0.2))
    pages = contextlib.AsyncExitStack()
    try:
        web_port, web_app = None, None
        if web_listen is not None:
            me = await bot.get_me()
            site = Site(public_url=f"http://{web_listen}", bot_username=me.username)
            web_app = build_web_app(runtime, site, parts=[*default_parts(), *web_parts])
            web_port = await pages.enter_async_context(serving(web_app, web_listen))
            site.public_url = f"http://127.0.0.1:{web_port}"
        yield RunningBot(bot=bot, dispatcher=dispatcher, runtime=runtime, task=task,
                         courier=courier, web_port=web_port, web_app=web_app)
    finally:
        await pages.aclose()
        courier_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await courier_task
        with contextlib.suppress(RuntimeError):
            await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)
        await storage.close()
        await runtime.close()
        await bot.session.close()


def button_texts(message: dict) -> list[str]:
    """The texts of a bot message's buttons (inline or reply keyboard), row by row."""
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [button["text"] for row in rows for button in row]


async def count_rows(runtime: Runtime, model: type, *where: object) -> int:
    """How many rows of `model` match the conditions: what the tests check in the database."""
    from sqlmodel import func, select

    async with runtime.sessions() as session:
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)
        return (await session.exec(query)).one()


CATEGORY_INDEX = {"roads": 0, "lighting": 1, "waste": 2, "dumping": 3, "graffiti": 4, "water": 5,
                  "greenery": 6, "noise": 7, "vehicles": 8, "snow": 9}
SADOVAYA_12 = (56.8961, 39.5840)  # Central District of the demo city


async def file_report(emulator, user, description: str, *, category: str = "roads",
                      point: tuple[float, float] = SADOVAYA_12,
                      photos: list[bytes] = ()) -> int:  # type: ignore[assignment]
    """A resident files a report through the dialog (with `photos`, if any); returns its
    number."""
    emulator.send_text(user, "/report")
    picker = await emulator.wait_for_message(user)
    emulator.click(user, picker, picker["reply_markup"]["inline_keyboard"][
        CATEGORY_INDEX[category] // 2][CATEGORY_INDEX[category] % 2]["callback_data"])
    await emulator.wait_for_message(user)  # describe it
    emulator.send_text(user, description)
    await emulator.wait_for_message(user)  # where?
    emulator.send_location(user, *point)
    await emulator.wait_for_message(user)  # the address
    ask = await emulator.wait_for_message(user)
    for data in photos:
        emulator.send_photo(user, data)
        ask = await emulator.wait_for_message(user)  # photo n of m received
    emulator.click_button(user, ask, button_texts(ask)[0])  # skip, or done
    summary = await emulator.wait_for_message(user)
    emulator.click_button(user, summary, button_texts(summary)[0])  # send
    created = await emulator.wait_for_message(user, predicate=lambda m: "#" in m.get("text", ""))
    return int(created["text"].split("#", 1)[1].split()[0].rstrip(".,"))


def is_card(number: int):
    """A predicate for wait_for_message: the staff card of report #number."""
    def check(message: dict) -> bool:
        return (message.get("text") or "").split("\n")[0].split(" · ")[0].endswith(f"#{number}")
    return check


async def propose(emulator, user, title: str, description: str, *, district: int = 0) -> int:
    """A resident proposes through the dialog (district: the place of its button, photo
    skipped); returns the proposal's number."""
    emulator.send_text(user, "/propose")
    await emulator.wait_for_message(user)
    emulator.send_text(user, title)
    await emulator.wait_for_message(user)
    emulator.send_text(user, description)
    picker = await emulator.wait_for_message(user)
    emulator.click(user, picker, picker["reply_markup"]["inline_keyboard"][0][district][
        "callback_data"])
    photo = await emulator.wait_for_message(user)
    emulator.click(user, photo, photo["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    summary = await emulator.wait_for_message(user)
    assert title in summary["text"]
    emulator.click(user, summary, IdeaAction(action="send").pack())
    sent = await emulator.wait_for_message(user, contains="idea_")
    return int(sent["text"].split("idea_", 1)[1].split()[0])


def is_idea_card(number: int):
    """A predicate for wait_for_message: the staff card of proposal idea_<number>."""
    return lambda m: f"idea_{number}</b>" in (m.get("text") or "") or \
        f"idea_{number}" in (m.get("text") or "").split("\n")[0]
