"""The outbox: every message that is not the direct answer to an update leaves through here.

    enqueue (citybot.storage.outbox, in the caller's transaction)
      → an outbox row, committed with the work that caused it
      → the courier claims it (courier.py) → its kind's delivery (kinds.py) → Bot API
      → sent / retried / undeliverable, recorded

Layer rule: the outbox sits between the bot and the dialogs. It may import the dialogs'
vocabulary (callback data, keyboards, wording helpers), services and storage; dialogs,
services and storage never import it, they queue rows. The bot builds the courier.
"""

from __future__ import annotations

from aiogram import Bot
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.outbox.courier import Courier, SessionScope
from citybot.outbox.kinds import KINDS
from citybot.runtime import Runtime
from citybot.services.notify import undeliverable
from citybot.services.pacing import Pacer
from citybot.storage.models import OutboxMessage
from citybot.storage.subscriptions import unsubscribe_chat

__all__ = ["KINDS", "Courier", "courier_for"]


def courier_for(bot: Bot, runtime: Runtime, *, worker: str | None = None,
                session_scope: SessionScope | None = None) -> Courier:
    """The outbox's courier — the one sender of notifications, digests and announcements — with
    every kind's delivery, paced at the config's rates."""
    async def on_undeliverable(session: AsyncSession, message: OutboxMessage) -> None:
        await unsubscribe_chat(session=session, telegram_id=message.chat_id)  # 403: no digests
        await undeliverable(runtime, session, message)

    limits = runtime.config.broadcast
    return Courier(bot, runtime, kinds=KINDS, worker=worker, session_scope=session_scope,
                   on_undeliverable=on_undeliverable,
                   pacer=Pacer(per_second=limits.per_second,
                               paid_per_second=limits.paid_per_second),
                   batch=max(50, int(limits.rate / 10)))  # a tenth of a second's messages
