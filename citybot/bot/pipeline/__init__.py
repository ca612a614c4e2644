"""The road of an update, end to end: everything that happens around a handler.

In one line: **claim → resident → handler → commit → release held answers → send.**

An update arrives (polling.py or webhook.py) and goes through these layers, outermost first.
aiogram's own come first, then ours, registered by `install` in this order:

1. aiogram: its errors middleware (a failure goes to errors.py, below), the user/chat context,
   and the FSM context — the conversation's lock (one update at a time per chat, across workers
   through Redis); not for a poll_answer, which belongs to no conversation
   (`stateless.ConversationState`). Its state is read in step 5.
2. `update.AskBeforeSaving` — an update from the staff group: the sender's membership is
   asked of Telegram now (`dialogs.staff.access.is_staff`, cached a minute), before the
   transaction opens, so the staff-only check later needs no Bot API call inside it.
3. `update.HoldUntilSaved` — opens the update's `scope.UpdateScope` (`current_update`): what
   can wait for the commit — callback answers, with Redis the conversation state — is held
   in it.
4. `update.DatabaseMiddleware` — **claim**: one session for the whole update
   (`current_session`), and the update's id recorded in it (`processed_updates`): a copy
   Telegram sends again is skipped. The claim commits or rolls back with the update's work.
5. `update.PeopleMiddleware` — **resident**: the resident (private chats) with their report
   draft, the conversation's state (`raw_state`, in the update's transaction; while a report
   is written, the draft's step: dialogs/states.py) and the wording in their language
   (`texts`).
6. `conversation.RestoreLostStep` (Redis only) — a resident whose conversation state Redis
   forgot is put back at their report draft's step.
7. Routers (bot/app.py): residents in private chats, staff in the staff group. On the
   residents' router `flood.FloodGuard` drops a resident's excess updates (after one polite
   "slow down"); the staff router's StaffOnly (dialogs/staff/access.py) lets only staff
   through, from the membership asked in step 2. Then the dialogs' own filters and
   middlewares (dialogs/intents.py parses a resident's text once, for the intent filters),
   and the **handler**.

Every Bot API call the handler makes passes the request middlewares, outermost first:
`requests.HoldAnswers` (a callback answer is held in the scope, makes no commit),
`requests.SaveBeforeSpeaking` (**commit** the work so far: nothing is said that is not saved,
and no transaction stays open while Telegram answers), `requests.SpeakAfterSaving` (the update
is now committed: **release** what was held), `requests.RetryTransient` (a 5xx, 429 or network
error is retried within the update's 20 s budget), `requests.KeepResponseModels`, in webhook
mode `requests.CountRetryAfter`, then the call is **sent**.

When the handler returns, DatabaseMiddleware **commits** (and wakes the outbox's courier if
the handler queued anything), then HoldUntilSaved **releases** the held conversation state and
callback answers, which are **sent** last. A handler that answers its button first and saves
next therefore commits once.

When anything fails, the update's uncommitted work and its claim roll back together and
aiogram's errors middleware hands the failure to errors.py, which reads the scope
(`data["update_scope"]`): already done (e.g. Redis gone while the chat's lock was released) —
only logged; an outage (`citybot.bot.outages.is_outage`: the database or Redis unreachable)
before anything was committed, over a webhook — answered 500, and Telegram sends the update
again; otherwise the person is told, politely, to try again.

Messages that are not the direct answer to an update never take this road's send: they go to
the outbox, and its courier delivers them (citybot.outbox; bot/app.py hands it
`scope.speaking_for`, so SaveBeforeSpeaking commits a delivery's session before each call).

Conversation state (bot/app.py: build_storage) follows the same commit: in SQL it is written
in the update's own session (SQLStorage is handed `current_session.get`); in Redis
`conversation.AfterCommitStorage` holds the update's writes in its scope until each commit.

The modules: scope.py (UpdateScope, `current_update`, `current_session`), update.py (the
update middlewares), requests.py (the request middlewares), conversation.py (Redis state held
until the commit, RestoreLostStep), stateless.py (aiogram's FSM middleware but for poll
answers), flood.py (FloodGuard). Beside the package,
citybot/bot/outages.py tells an outage from a bug, and errors.py answers failures.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from aiogram import Dispatcher, Router
from aiogram.client.session.base import BaseSession

from citybot.bot.pipeline.conversation import AfterCommitStorage, RestoreLostStep
from citybot.bot.pipeline.flood import FloodGuard
from citybot.bot.pipeline.requests import (
    CountRetryAfter,
    HoldAnswers,
    KeepResponseModels,
    RetryTransient,
    SaveBeforeSpeaking,
    SpeakAfterSaving,
)
from citybot.bot.pipeline.scope import (
    UpdateScope,
    current_session,
    current_update,
    speaking_for,
)
from citybot.bot.pipeline.update import (
    AskBeforeSaving,
    DatabaseMiddleware,
    HoldUntilSaved,
    PeopleMiddleware,
)
from citybot.runtime import Runtime

if TYPE_CHECKING:  # prometheus_client is loaded only where metrics are served (webhook mode)
    from citybot.bot.metrics import Metrics

__all__ = ["UpdateScope", "current_session", "current_update", "install", "speaking_for"]


def install(*, bot_session: BaseSession | None = None, metrics: Metrics | None = None,
            dispatcher: Dispatcher | None = None, residents: Router | None = None) -> None:
    """Lays the road above: the request middlewares on `bot_session` (with `metrics`, the 429
    count innermost), the update middlewares on `dispatcher` (its `runtime` and storage decide
    the rest), the flood guard on the `residents` router. Each part is optional — a bot that
    only sends (the courier, the broadcast command) has no dispatcher, a dispatcher is built
    before its bot — but the order within each is this function's alone."""
    if bot_session is not None:
        bot_session.middleware(HoldAnswers())  # a callback answer waits for the commit
        bot_session.middleware(SaveBeforeSpeaking())  # commit before anything is said
        bot_session.middleware(SpeakAfterSaving())  # after the commit: release what was held
        bot_session.middleware(RetryTransient())  # a handler's call through a Bot API hiccup
        bot_session.middleware(KeepResponseModels())
        if metrics is not None:
            bot_session.middleware(CountRetryAfter(metrics))  # handlers' 429s and the courier's
    if dispatcher is None:
        return
    runtime: Runtime = dispatcher["runtime"]
    storage = dispatcher.storage
    dispatcher.update.outer_middleware(AskBeforeSaving())
    dispatcher.update.outer_middleware(HoldUntilSaved())
    dispatcher.update.outer_middleware(DatabaseMiddleware())
    dispatcher.update.outer_middleware(PeopleMiddleware())
    if isinstance(storage, AfterCommitStorage):
        ttl = timedelta(hours=runtime.config.reports.draft_ttl_hours)
        dispatcher.update.outer_middleware(RestoreLostStep(storage, draft_ttl=ttl))
    if residents is not None:
        flood_guard = FloodGuard(limit=runtime.config.reports.max_messages_per_minute,
                                 redis=getattr(storage, "redis", None))  # shared by workers
        residents.message.middleware(flood_guard)
        residents.callback_query.middleware(flood_guard)
