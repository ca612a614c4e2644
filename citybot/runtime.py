"""What handlers and jobs are given: the city's config and what is built from it (database
sessions, the map, the NLU, the FAQ) — the `Runtime`, passed to handlers as `runtime`."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig
from citybot.geo import CityMap, Geocoding, build_geocoding
from citybot.i18n import Translator
from citybot.knowledge import FaqDesk
from citybot.nlu import NLUService, build_nlu
from citybot.settings import Settings
from citybot.storage.database import make_engine, make_sessionmaker


@dataclass
class Runtime:
    config: CityConfig
    translator: Translator
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    staff_chat_id: int
    city_map: CityMap
    geocoding: Geocoding
    nlu: NLUService
    faq: FaqDesk
    forums: dict[int, bool] = field(default_factory=dict)  # chat id → is a forum (cached)
    # user id → (is a member of the staff group, when that was asked): getChatMember, cached briefly
    staff_members: dict[int, tuple[bool, float]] = field(default_factory=dict)
    courier_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    broadcasts_running: set[int] = field(default_factory=set)  # broadcast runs in this process
    background: set[asyncio.Task] = field(default_factory=set)  # started by handlers
    # outbox id → Telegram message id: sent while the database was away, not yet recorded
    unrecorded: dict[int, int | None] = field(default_factory=dict)
    # tells the other workers' courier too (citybot/outbox/signal.py); None with one process
    signal_outbox: Callable[[], Coroutine[Any, Any, None]] | None = None

    def wake_courier(self) -> None:
        """New messages were committed to the outbox: deliver them now, not at the next tick."""
        self.courier_wakeup.set()
        if self.signal_outbox is not None:
            self.spawn(self.signal_outbox())

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task:
        """Run `work` beside the handler that asked for it (kept until done, cancelled at
        close; what it does is in the database, so a restart picks it up). It runs in a
        context of its own: not part of the update that asked for it (its session, its held
        answers, its retry budget)."""
        task = asyncio.create_task(work, context=contextvars.Context())
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    async def close(self) -> None:
        for task in list(self.background):
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
        await self.nlu.close()
        await self.geocoding.close()
        await self.engine.dispose()


def build_runtime(settings: Settings, config: CityConfig) -> Runtime:
    engine = make_engine(settings.database_url)
    city_map = CityMap.from_config(config)
    return Runtime(
        config=config,
        translator=Translator(default=config.city.default_language),
        engine=engine,
        sessions=make_sessionmaker(engine),
        staff_chat_id=settings.staff_chat_id or config.staff.chat_id,
        city_map=city_map,
        geocoding=build_geocoding(config, city_map),
        nlu=build_nlu(backend=config.nlu.backend, rasa_url=config.nlu.rasa_url,
                      timeout_s=config.nlu.timeout_s),
        faq=FaqDesk.load(config.knowledge.waste, config.knowledge.transport),
    )
