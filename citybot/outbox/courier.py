"""The courier delivers the outbox: claim → send → record, with retries that lose nothing.

Each message is claimed (committed) before it is sent, and its result is committed as soon as
Telegram answers: a failure at once, message by message; a success in a group commit with the
others accepted in the same `RECORD_INTERVAL` (so thousands of broadcast messages a second cost
one transaction each few milliseconds, not one each). The one window where a crash duplicates a
message is therefore between Telegram's "ok" and that commit (milliseconds): the claim then goes
stale and the message is sent again after `outbox.CLAIM_TIMEOUT` (at once when the crashed
process was on this host: `release_orphans`). A success that cannot be recorded because the
database is away is kept in memory (`runtime.unrecorded`) and recorded before this process
claims or releases anything again (`record_leftovers`): not a crash, so not a duplicate. A call
that gets no answer within `REQUEST_TIMEOUT` is the same case seen from outside (Telegram may or
may not have sent it): it is retried, since losing a message is worse than repeating one.
429s are honoured (the message waits `retry_after`, the pacer holds its chat), 403 marks the
message undeliverable and tells staff through `on_undeliverable`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import weakref
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    CopyMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SendPoll,
    StopPoll,
    TelegramMethod,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.redaction import redact
from citybot.runtime import Runtime
from citybot.services.pacing import Pacer
from citybot.storage import outbox
from citybot.storage.models import OutboxMessage, OutboxState
from citybot.storage.polls import record_poll_messages
from citybot.storage.residents import mark_blocked

log = logging.getLogger("citybot.courier")

METHODS: dict[str, type[TelegramMethod]] = {
    "sendMessage": SendMessage,
    "sendPhoto": SendPhoto,
    "sendMediaGroup": SendMediaGroup,
    "copyMessage": CopyMessage,
    "editMessageText": EditMessageText,
    "editMessageReplyMarkup": EditMessageReplyMarkup,
    "sendPoll": SendPoll,
    "stopPoll": StopPoll,
}
JSON_METHODS = frozenset({"sendMessage", "sendPoll"})  # sent as JSON, the answer barely read
REQUEST_TIMEOUT = 20  # well under the claim timeout, so a slow call is not sent twice
RECORD_INTERVAL = 0.01  # seconds: successes answered within it are recorded in one commit
RECORD_RETRIES = 5
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(minutes=10)

SENDS = frozenset(name for name in METHODS if name.startswith("send") or name == "copyMessage")
DEFERRED = object()  # the pacer has no slot soon enough: the message goes back to the queue


class SentPoll(int):
    """The message id of a sent poll, with Telegram's id of the poll (what poll_answer updates
    carry): recorded with the message, in the same group commit (storage.polls)."""

    poll_id: str

    def __new__(cls, message_id: int, poll_id: str) -> SentPoll:
        sent = super().__new__(cls, message_id)
        sent.poll_id = poll_id
        return sent


class DeliveryFailed(Exception):
    """A special delivery's own failure (not Telegram's), e.g. a city system that did not
    accept a report: retried with backoff unless `permanent`, and logged in one line."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


# How a kind of message is delivered (see citybot.outbox.kinds): returns the Telegram message id.
Delivery = Callable[[Bot, Runtime, AsyncSession, OutboxMessage], Awaitable[int | None]]
# Called in the same transaction when a message turns out undeliverable (403).
Undeliverable = Callable[[AsyncSession, OutboxMessage], Awaitable[None]]
# Around a drawn delivery: the bot's hook that commits `session` before each Bot API call
# (SaveBeforeSpeaking), so nothing is said that is not saved and no transaction waits on Telegram.
SessionScope = Callable[[AsyncSession], contextlib.AbstractContextManager[Any]]


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a claim of our pid before we claimed anything: an earlier life (a container)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** min(attempts, 12)), MAX_BACKOFF)


async def call_bot_api(bot: Bot, message: OutboxMessage,
                       request_timeout: float = REQUEST_TIMEOUT) -> int | None:
    if message.method in JSON_METHODS and isinstance(bot.session, AiohttpSession):
        return await send_message_json(bot, message, request_timeout)
    method = METHODS[message.method].model_validate({"chat_id": message.chat_id, **message.payload})
    result = await bot(method, request_timeout=int(request_timeout))
    if isinstance(result, list):
        return result[0].message_id if result else None
    return getattr(result, "message_id", None)


_json_defaults: weakref.WeakKeyDictionary[Bot, dict[str, Any]] = weakref.WeakKeyDictionary()


def send_message_defaults(bot: Bot) -> dict[str, Any]:
    """What aiogram adds to a sendMessage from the bot's defaults (parse mode, link previews),
    as JSON values."""
    if bot not in _json_defaults:
        probe = SendMessage(chat_id=0, text="").model_dump(warnings=False)
        prepared = bot.session.prepare_value(probe, bot=bot, files={}, _dumps_json=False)
        _json_defaults[bot] = {k: v for k, v in prepared.items()
                                   if k not in ("chat_id", "text")}
    return _json_defaults[bot]


async def send_message_json(bot: Bot, message: OutboxMessage, request_timeout: float) -> int:
    """sendMessage as a JSON body, the answer read for its message_id alone: the outbox's
    payload is JSON already, and aiogram's form encoding and full parsing of each answer would
    cost more CPU than the rest of a broadcast message together. Errors are aiogram's own
    (its check_response), so the courier handles them as before."""
    session = await bot.session.create_session()
    defaults = send_message_defaults(bot) if message.method == "sendMessage" else {}
    body = {**defaults, "chat_id": message.chat_id,
            **{k: v for k, v in message.payload.items() if v is not None}}
    url = bot.session.api.api_url(token=bot.token, method=message.method)
    try:
        async with session.post(url, json=body,
                                timeout=aiohttp.ClientTimeout(total=request_timeout)) as answer:
            status, raw = answer.status, await answer.text()
    except TimeoutError as error:
        raise TelegramNetworkError(method=_method(message), message="Request timeout error") \
            from error
    except aiohttp.ClientError as error:
        raise TelegramNetworkError(method=_method(message),
                                   message=f"{type(error).__name__}: {error}") from error
    if status == 200:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            result = json.loads(raw)["result"]
            if "poll" in result:
                return SentPoll(result["message_id"], result["poll"]["id"])
            return result["message_id"]
    result = bot.session.check_response(bot=bot, method=_method(message), status_code=status,
                                        content=raw)  # raises the API's error
    return result.result.message_id


async def as_queued(bot: Bot, runtime: Runtime, session: AsyncSession,
                    message: OutboxMessage) -> int | None:
    """The delivery of a message queued as one ready Bot API call (method + payload). The
    courier sends these concurrently, paced and recorded in group commits, not one by one."""
    return await call_bot_api(bot, message)


def _method(message: OutboxMessage) -> TelegramMethod:
    return METHODS[message.method].model_validate({"chat_id": message.chat_id,
                                                   **message.payload})


async def _write_sent(runtime: Runtime, sent: list[tuple[int, int | None]],
                      polls: list[tuple[OutboxMessage, SentPoll]] = ()) -> None:
    async with runtime.sessions() as session:
        await outbox.mark_sent_many(session=session, sent=sent)
        if polls:  # which poll a resident's answer is about
            await record_poll_messages(session=session, sent=[
                (message.broadcast_id, message.chat_id, int(result), result.poll_id)
                for message, result in polls])
        await session.commit()


async def record_leftovers(runtime: Runtime) -> int:
    """Record the messages Telegram accepted while the database was away (runtime.unrecorded,
    kept by `Courier.record_sent`). Until they are, their claims must not be released or taken
    over: called before the courier claims anything and by every worker's lease loop. Raises
    while the database is still away."""
    leftovers = dict(runtime.unrecorded)
    if not leftovers:
        return 0
    await _write_sent(runtime, list(leftovers.items()))
    for outbox_id in leftovers:
        runtime.unrecorded.pop(outbox_id, None)
    log.warning("sent messages recorded after the database came back count=%s", len(leftovers))
    return len(leftovers)


class Courier:
    """Delivers the outbox, each message by its kind's delivery (`kinds`). Drawn kinds (cards,
    thread notices) go one at a time, in order. Messages queued as ready Bot API calls
    (`as_queued`, and any kind not in `kinds`) are each given a slot by the pacer, sent when it
    comes and recorded the moment Telegram answers; `run` claims the next batch while earlier
    ones are still being sent, keeping at most `ahead` seconds of slots reserved."""

    def __init__(
        self, bot: Bot, runtime: Runtime, kinds: Mapping[str, Delivery] | None = None,
        worker: str | None = None, *, session_scope: SessionScope | None = None,
        pacer: Pacer | None = None,
        on_undeliverable: Undeliverable | None = None, ahead: float = 2.0,
        max_in_flight: int = 200, request_timeout: float = REQUEST_TIMEOUT, batch: int = 50,
    ) -> None:
        self.bot = bot
        self.runtime = runtime
        self.drawn = {kind: delivery for kind, delivery in (kinds or {}).items()
                      if delivery is not as_queued}
        self.session_scope = session_scope or (lambda session: contextlib.nullcontext())
        self.worker = worker or f"{socket.gethostname()}-{os.getpid()}"
        self.pacer = pacer or Pacer()
        self.on_undeliverable = on_undeliverable
        self.ahead = ahead
        self.max_in_flight = max_in_flight
        self.request_timeout = request_timeout
        self.batch = batch  # messages claimed a pass: more at paid broadcast rates
        self._in_flight: set[asyncio.Task[None]] = set()
        self._sent: list[tuple[OutboxMessage, int | None, asyncio.Future[None]]] = []
        self._record_timer: asyncio.TimerHandle | None = None
        self._recording: set[asyncio.Task[None]] = set()

    async def deliver_due(self, limit: int = 50, *, wait: bool = True) -> int:
        """One pass over what is due now; returns how many messages were claimed. With
        wait=False, plain calls are left sending in the background."""
        await record_leftovers(self.runtime)  # raises while the database is still away
        async with self.runtime.sessions() as session:
            claimed = await outbox.claim_due(session=session, worker=self.worker, limit=limit)
            plain = []
            for message in claimed:
                if message.kind in self.drawn:
                    await self._deliver_drawn(session, message)
                    await session.commit()
                else:
                    plain.append(message)
        started = [self._start(message) for message in plain]
        if wait and started:
            await asyncio.gather(*started)
        return len(claimed)

    async def _deliver_drawn(self, session: AsyncSession, message: OutboxMessage) -> None:
        wait = self.pacer.reserve(message.chat_id, send=message.method in SENDS)
        if wait is None:
            await self._record(session, message, DEFERRED)
            return
        await asyncio.sleep(wait)
        try:
            with self.session_scope(session):  # saved before each call
                outcome = await self.drawn[message.kind](self.bot, self.runtime, session,
                                                         message)
        except Exception as error:
            outcome = error
        await self._record(session, message, outcome)

    def _start(self, message: OutboxMessage) -> asyncio.Task[None]:
        """Take the message's slot now (so a chat's messages keep their order) and send it
        when the slot comes."""
        wait = self.pacer.reserve(message.chat_id, send=message.method in SENDS,
                                  paid=bool(message.payload.get("allow_paid_broadcast")))
        task = asyncio.create_task(self._send(message, wait))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        return task

    async def _send(self, message: OutboxMessage, wait: float | None) -> None:
        outcome: object = DEFERRED
        if wait is not None:
            try:
                await asyncio.sleep(wait)
                while (late := self.pacer.admit(
                        message.chat_id, send=message.method in SENDS,
                        paid=bool(message.payload.get("allow_paid_broadcast")))) > 0:
                    await asyncio.sleep(late)  # the loop was busy: calls made late bunch up
            except asyncio.CancelledError:  # stopping before its slot: not sent, release it
                await self._save(message, DEFERRED)
                raise
            try:
                outcome = await call_bot_api(self.bot, message, self.request_timeout)
            except Exception as error:
                outcome = error
            else:
                await self._record_sent(message, outcome)
                return
        await self._save(message, outcome)

    async def _record_sent(self, message: OutboxMessage, message_id: int | None) -> None:
        """Join the next group commit of sent messages and wait for it. A sender cancelled
        while waiting leaves its record in the group: it is still written."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._sent.append((message, message_id, done))
        if self._record_timer is None:
            self._record_timer = loop.call_later(RECORD_INTERVAL, self._start_recording)
        await done

    def _start_recording(self) -> None:
        self._record_timer = None
        task = asyncio.create_task(self.record_sent())
        self._recording.add(task)
        task.add_done_callback(self._recording.discard)

    async def record_sent(self) -> int:
        """Commit every success waiting to be recorded, in one transaction (retried: a record
        not written means a message sent twice)."""
        group, self._sent = self._sent, []
        if not group:
            return 0
        sent = [(message.id, None if message_id is None else int(message_id))
                for message, message_id, _ in group]
        polls = [(message, result) for message, result, _ in group
                 if isinstance(result, SentPoll)]
        for attempt in range(RECORD_RETRIES):
            try:
                await _write_sent(self.runtime, sent, polls)  # the duplicate window ends here
                break
            except Exception:
                log.exception("recording sent messages failed count=%s attempt=%s", len(group),
                              attempt + 1)
                await asyncio.sleep(0.2 * (attempt + 1))
        else:  # the database is away: remembered, and written before anything is claimed again
            self.runtime.unrecorded.update(sent)
            log.error("sent messages kept unrecorded until the database is back count=%s",
                      len(sent))
        for message, message_id, done in group:
            message.state, message.sent_message_id = OutboxState.sent, message_id
            if not done.done():
                done.set_result(None)
        return len(group)

    async def _save(self, message: OutboxMessage, outcome: object) -> None:
        async with self.runtime.sessions() as session:
            session.add(message)
            await self._record(session, message, outcome)
            await session.commit()  # for a sent message, the duplicate window ends here

    async def _record(self, session: AsyncSession, message: OutboxMessage,
                      outcome: object) -> None:
        if outcome is DEFERRED:  # its chat is busy for a while: back to the queue, no attempt
            await outbox.mark_retry(session=session, message=message, counts=False,
                                    delay=timedelta(seconds=self.pacer.delay(message.chat_id)),
                                    error=message.last_error or "paced")
        elif isinstance(outcome, BaseException):
            await self._failed(session, message, outcome)
        else:
            await outbox.mark_sent(session=session, message=message, message_id=outcome)

    async def _failed(self, session: AsyncSession, message: OutboxMessage,
                      error: BaseException) -> None:
        text = redact(str(error))  # stored with the row: a network error's text has the token
        if isinstance(error, TelegramRetryAfter):
            self.pacer.throttled(message.chat_id, error.retry_after)
            await outbox.mark_retry(session=session, message=message, counts=False,
                                    delay=timedelta(seconds=error.retry_after), error=text)
            log.warning("rate limited outbox_id=%s retry_after=%s", message.id, error.retry_after)
        elif isinstance(error, TelegramForbiddenError):
            await outbox.mark_final(session=session, message=message,
                                    state=OutboxState.undeliverable, error=text)
            await mark_blocked(session=session, telegram_id=message.chat_id)
            if self.on_undeliverable is not None:
                await self.on_undeliverable(session, message)
            log.info("undeliverable outbox_id=%s chat_id=%s", message.id, message.chat_id)
        elif isinstance(error, TelegramBadRequest):
            if "message is not modified" in str(error):
                await outbox.mark_sent(session=session, message=message)
            else:
                await outbox.mark_final(session=session, message=message,
                                        state=OutboxState.failed, error=text)
                log.error("rejected outbox_id=%s error=%s", message.id, error)
        elif isinstance(error, DeliveryFailed) and error.permanent:
            await outbox.mark_final(session=session, message=message,
                                    state=OutboxState.failed, error=text)
            log.warning("refused outbox_id=%s kind=%s error=%s", message.id, message.kind, text)
        elif isinstance(error, TelegramServerError | TelegramNetworkError | TimeoutError
                        | DeliveryFailed):
            await self._retry_or_fail(session, message, redact(repr(error)))
        else:
            log.error("delivery crashed outbox_id=%s", message.id, exc_info=error)
            await self._retry_or_fail(session, message, redact(repr(error)))

    async def _retry_or_fail(
        self, session: AsyncSession, message: OutboxMessage, error: str
    ) -> None:
        if message.attempts + 1 >= MAX_ATTEMPTS:
            await outbox.mark_final(session=session, message=message,
                                    state=OutboxState.failed, error=error)
            log.error("gave up outbox_id=%s after %s attempts", message.id, MAX_ATTEMPTS)
            return
        await outbox.mark_retry(session=session, message=message,
                                delay=backoff(message.attempts), error=error)
        log.warning("will retry outbox_id=%s attempt=%s error=%s", message.id,
                    message.attempts, error)

    async def release_orphans(self) -> int:
        """Put back what a crashed process of this host had claimed (see outbox); called when
        the courier starts, before it claims anything."""
        async with self.runtime.sessions() as session:
            released = await outbox.release_orphaned_claims(
                session=session, host=socket.gethostname(), alive=_process_alive)
        if released:
            log.warning("claims of a stopped process released count=%s", released)
        return released

    async def run(self, wake: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Deliver until cancelled; `wake` is set after a handler commits new messages."""
        try:
            try:
                await record_leftovers(self.runtime)  # before their claims could be released
                await self.release_orphans()
            except Exception:
                log.exception("releasing the claims of stopped processes failed")
            await self._run(wake, idle_seconds)
        finally:
            for task in list(self._in_flight):
                task.cancel()
            await asyncio.gather(*self._in_flight, return_exceptions=True)
            await asyncio.gather(*self._recording, return_exceptions=True)
            await self.record_sent()  # what Telegram accepted before the stop is recorded

    async def _run(self, wake: asyncio.Event, idle_seconds: float) -> None:
        while True:
            if self._in_flight and (len(self._in_flight) >= self.max_in_flight
                                    or self.pacer.backlog() > self.ahead):
                await asyncio.wait(self._in_flight, timeout=idle_seconds,
                                   return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                handled = await self.deliver_due(self.batch, wait=False)
            except Exception:
                log.exception("courier pass failed")
                handled = 0
            if handled:
                continue
            wake.clear()
            # not asyncio.wait_for: on Python 3.11 it can swallow a cancellation that arrives
            # as the event is set, and the courier would then never stop
            waiter = asyncio.ensure_future(wake.wait())
            try:
                await asyncio.wait({waiter}, timeout=idle_seconds)
            finally:
                waiter.cancel()
