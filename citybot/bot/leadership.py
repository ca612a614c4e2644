"""Exactly one worker runs the singletons (the outbox courier and the scheduler).

The worker that holds the database lease "singletons" runs them; it renews the lease every
`renew_every` seconds, and a worker that dies stops renewing, so after `ttl` seconds another
worker takes the lease over and starts them. A worker that cannot renew (its database
connection failed) stops them before its lease could expire, so two never run at once. A
clean stop releases the lease at once. A polling bot holds it too, and `citybot digest run`
and `citybot broadcast` contend for it with a courier alone: while a bot holds it they leave
the sending to the bot's courier, so the outbox has one sender and one pace.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from citybot import scheduler as jobs_scheduler
from citybot.bot.app import build_courier
from citybot.outbox.courier import record_leftovers
from citybot.outbox.signal import OutboxSignal
from citybot.runtime import Runtime
from citybot.storage.leases import acquire_lease, release_lease

log = logging.getLogger("citybot.leadership")

LEASE = "singletons"
TTL = 15.0  # seconds: how long a dead worker's singletons stay unrun
RENEW_EVERY = 5.0


def lease_timing() -> tuple[float, float]:
    """The lease's length and renewal period: CITYBOT_LEASE_SECONDS (15), renewed every third."""
    ttl = float(os.environ.get("CITYBOT_LEASE_SECONDS", TTL))
    return ttl, ttl / 3


def worker_id() -> str:
    """Unique per process life: a restarted worker (same pid in a container) is a new holder."""
    return f"{socket.gethostname()}-{os.getpid()}:{uuid.uuid4().hex[:6]}"  # outbox's claim form


class Leadership:
    """Holds the lease while it can; calls `on_gain` when it gets it, `on_loss` when it lets
    it go (lost, unrenewable, or stopping)."""

    def __init__(self, runtime: Runtime, *, on_gain: Callable[[], Awaitable[None]],
                 on_loss: Callable[[], Awaitable[None]], holder: str | None = None,
                 name: str = LEASE, ttl: float = TTL, renew_every: float = RENEW_EVERY) -> None:
        self.runtime = runtime
        self.on_gain, self.on_loss = on_gain, on_loss
        self.holder = holder or worker_id()
        self.name, self.ttl, self.renew_every = name, ttl, renew_every
        self.is_leader = False
        self.retiring = False  # stopping: keeps a lease it holds, never takes one
        self._renewed_at = 0.0  # monotonic time of the last renewal's start

    def retire(self) -> None:
        """This worker is stopping: from now on it does not take the lease, so a worker that
        stops after another cannot start the singletons just to stop them again."""
        self.retiring = True

    async def _try(self) -> bool:
        if self.retiring and not self.is_leader:
            return False
        started = time.monotonic()
        try:
            await record_leftovers(self.runtime)  # sent while the database was away: recorded
            # before any courier (another worker's, once this lease lapses) could send it again
            async with self.runtime.sessions() as session:
                held = await acquire_lease(session=session, name=self.name, holder=self.holder,
                                           ttl=timedelta(seconds=self.ttl))
        except Exception as error:
            # keep leading only while our lease is surely still ours
            left = self._renewed_at + self.ttl - self.renew_every - time.monotonic()
            log.warning("lease renewal failed holder=%s error=%r", self.holder, error)
            return self.is_leader and left > 0
        if held:
            self._renewed_at = started
        return held

    async def run(self) -> None:
        """Until cancelled; on the way out the singletons stop and the lease is released."""
        try:
            while True:
                held = await self._try()
                if held and not self.is_leader:
                    self.is_leader = True
                    log.info("lease taken name=%s holder=%s", self.name, self.holder)
                    try:
                        await self.on_gain()
                    except Exception:
                        log.exception("starting the singletons failed; letting the lease go")
                        await self._let_go()
                elif not held and self.is_leader:
                    self.is_leader = False
                    log.warning("lease lost name=%s holder=%s", self.name, self.holder)
                    await self.on_loss()
                await asyncio.sleep(self.renew_every)
        finally:
            if self.is_leader:
                await self._let_go()
                log.info("lease released name=%s holder=%s", self.name, self.holder)

    async def _let_go(self) -> None:
        self.is_leader = False
        await self.on_loss()
        with contextlib.suppress(Exception):
            async with self.runtime.sessions() as session:
                await release_lease(session=session, name=self.name, holder=self.holder)


class Singletons:
    """The courier and the scheduler of the worker that holds the lease."""

    def __init__(self, bot: Bot, runtime: Runtime, *, worker: str,
                 courier_idle: float = 0.5, scheduler: bool = True,
                 signal: OutboxSignal | None = None) -> None:
        self.bot, self.runtime, self.worker = bot, runtime, worker
        self.courier_idle = courier_idle
        self.with_scheduler = scheduler
        self.signal = signal  # other workers' "look now", with Redis
        self._courier: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._listener_stop = asyncio.Event()
        self._scheduler: AsyncIOScheduler | None = None

    @property
    def running(self) -> bool:
        return self._courier is not None

    async def start(self) -> None:
        courier = build_courier(self.bot, self.runtime, worker=self.worker[:64])
        # other workers' handlers wake this courier through Redis when there is one; it looks
        # every `courier_idle` anyway
        self._courier = asyncio.create_task(
            courier.run(self.runtime.courier_wakeup, idle_seconds=self.courier_idle))
        if self.signal is not None:
            self._listener_stop = asyncio.Event()
            self._listener = asyncio.create_task(
                self.signal.listen(self.runtime.courier_wakeup, self._listener_stop))
        if self.with_scheduler:
            self._scheduler = jobs_scheduler.build_scheduler(self.runtime)
            jobs_scheduler.start(self._scheduler, self.runtime)
        log.info("%s started worker=%s", self.what, self.worker)

    @property
    def what(self) -> str:
        return "courier and scheduler" if self.with_scheduler else "courier"

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener_stop.set()  # it looks every half second; never waited for long
            with contextlib.suppress(Exception):  # a listener stuck in redis-py is left
                await asyncio.wait_for(asyncio.shield(self._listener), timeout=3)
            self._listener = None
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
        if self._courier is not None:
            self._courier.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._courier
            self._courier = None
            log.info("%s stopped worker=%s", self.what, self.worker)
