"""/announce in the staff group: an official writes `/announce <text>`, sees the message as
residents will read it with its audience (the subscribers of chosen districts and topics, and how
many they are), and sends it or cancels. The draft is a broadcast row, so the preview survives a
restart; once confirmed, the run is the same as `citybot broadcast`, summary included."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot import jobs
from citybot.dialogs.callbacks import AnnounceAction
from citybot.dialogs.gates import GatedRouter
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import broadcasts
from citybot.services.workflow import Actor
from citybot.storage.models import Broadcast, BroadcastState
from citybot.storage.subscriptions import TOPICS

MAX_TEXT = 3500  # characters: an announcement fits one message with its header and footer


def preview_text(broadcast: Broadcast, count: int, texts: Texts, runtime: Runtime) -> str:
    config = runtime.config
    resident_view = "\n\n".join(broadcasts.announcement_text(broadcast, config, texts))
    districts = [config.city.district(d).name.get(texts.lang)
                 for d in broadcast.audience.get("districts", [])]
    topics = [texts(f"sub-topic-{t}") for t in broadcast.audience.get("topics", [])]
    return "\n".join([
        texts("announce-preview-title"), "",
        resident_view, "",
        texts("announce-audience",
              districts=", ".join(districts) if districts else texts("sub-whole-city"),
              topics=", ".join(topics) if topics else "—", count=count),
    ])


def preview_markup(broadcast: Broadcast, count: int, texts: Texts,
                   runtime: Runtime) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    chosen = set(broadcast.audience.get("districts", []))
    for district in runtime.config.city.districts:
        mark = "✅" if district.id in chosen else "▫️"
        builder.button(text=f"{mark} {district.name.get(texts.lang)}",
                       callback_data=AnnounceAction(action="district", broadcast=broadcast.id,
                                                    value=district.id))
    topics = set(broadcast.audience.get("topics", []))
    for topic in TOPICS:
        mark = "✅" if topic in topics else "▫️"
        builder.button(text=f"{mark} {texts(f'sub-topic-{topic}')}",
                       callback_data=AnnounceAction(action="topic", broadcast=broadcast.id,
                                                    value=topic))
    builder.button(text=texts("announce-button-send", count=count),
                   callback_data=AnnounceAction(action="send", broadcast=broadcast.id))
    builder.button(text=texts("announce-button-cancel"),
                   callback_data=AnnounceAction(action="cancel", broadcast=broadcast.id))
    sizes = [2] * ((len(runtime.config.city.districts) + 1) // 2) + [1] * len(TOPICS) + [2]
    builder.adjust(*sizes)
    return builder.as_markup()


async def on_announce(message: Message, command: CommandObject, session: AsyncSession,
                      runtime: Runtime, texts: Texts, actor: Actor) -> None:
    text = (command.args or "").strip()
    if not text:
        await message.reply(texts("announce-usage"))
        return
    if len(text) > MAX_TEXT:
        await message.reply(texts("announce-too-long", length=len(text), limit=MAX_TEXT))
        return
    draft = await broadcasts.draft_announcement(
        session=session, text=text, key=f"tg:{message.chat.id}:{message.message_id}",
        created_by=actor.name or texts("history-staff"))
    if draft is None:
        return  # the same command handled before (a re-delivered update)
    count = await broadcasts.audience_size(session=session, broadcast=draft)
    await message.reply(preview_text(draft, count, texts, runtime),
                        reply_markup=preview_markup(draft, count, texts, runtime))


async def on_preview_button(query: CallbackQuery, callback_data: AnnounceAction,
                            session: AsyncSession, runtime: Runtime, texts: Texts,
                            own_texts: Texts, actor: Actor) -> None:
    broadcast = await session.get(Broadcast, callback_data.broadcast)
    if broadcast is None or broadcast.kind != "announcement":
        await query.answer(own_texts("button-expired"))
        return
    if broadcast.state != BroadcastState.draft:
        await query.answer(own_texts("announce-already", state=own_texts(
            f"announce-state-{broadcast.state}")), show_alert=True)
        return
    action = callback_data.action
    if action == "send":
        await send(query, broadcast, session, runtime, texts, own_texts, actor)
        return
    if action == "cancel":
        await broadcasts.cancel_announcement(session=session, broadcast_id=broadcast.id)
        await query.answer()
        await query.message.edit_text(texts("announce-cancelled"))
        return
    toggle(broadcast, action, callback_data.value, runtime)
    session.add(broadcast)
    count = await broadcasts.audience_size(session=session, broadcast=broadcast)
    await query.answer()
    await query.message.edit_text(preview_text(broadcast, count, texts, runtime),
                                  reply_markup=preview_markup(broadcast, count, texts, runtime))


def toggle(broadcast: Broadcast, action: str, value: str, runtime: Runtime) -> None:
    audience = {"districts": list(broadcast.audience.get("districts", [])),
                "topics": list(broadcast.audience.get("topics", []))}
    if action == "district" and value in {d.id for d in runtime.config.city.districts}:
        audience["districts"] = sorted(set(audience["districts"]) ^ {value})
    elif action == "topic" and value in TOPICS:
        audience["topics"] = [t for t in TOPICS if (t in audience["topics"]) != (t == value)]
    broadcast.audience = audience


async def send(query: CallbackQuery, broadcast: Broadcast, session: AsyncSession,
               runtime: Runtime, texts: Texts, own_texts: Texts, actor: Actor) -> None:
    count = await broadcasts.audience_size(session=session, broadcast=broadcast)
    if not count:
        await query.answer(own_texts("announce-nobody"), show_alert=True)
        return
    if not await broadcasts.start_announcement(session=session, broadcast_id=broadcast.id):
        await query.answer(own_texts("button-expired"))
        return
    await session.commit()  # the update's one commit: the audience as previewed, and started
    runtime.spawn(jobs.run_announcement(runtime, broadcast.id))  # reads what was committed
    await query.answer()
    resident_view = "\n\n".join(broadcasts.announcement_text(broadcast, runtime.config, texts))
    status = texts("announce-sending", count=count, name=actor.name or texts("history-staff"))
    await query.message.edit_text(f"{status}\n\n{resident_view}")


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="staff_announce")
    router.message.register(on_announce, Command("announce"))
    router.callback_query.register(on_preview_button, AnnounceAction.filter(F.action != ""))
    return router
