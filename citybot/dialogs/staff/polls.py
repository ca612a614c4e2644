"""City polls in the staff group: `/poll` followed by the poll (the poll file's format) shows a
preview with its audience and Send / Cancel; `/poll N` shows the answers so far. The draft is a
row, so the preview survives a restart; once confirmed, the poll is a broadcast run of native
polls (citybot.services.polls), the same as `citybot poll create --file`."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import PollAction
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.wording import local_time
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import polls
from citybot.services.workflow import Actor
from citybot.storage.models import Poll

NUMBER = re.compile(r"^\s*#?(\d{1,9})\s*$")


def preview_text(poll: Poll, count: int, texts: Texts, runtime: Runtime) -> str:
    config = runtime.config

    def options(lang: str) -> str:
        return "\n".join(f"{i}. {o}" for i, o in enumerate(polls.options_in(poll, lang), 1))

    districts = [config.city.district(d).name.get(texts.lang)
                 for d in poll.audience.get("districts", [])]
    return texts("poll-preview", number=str(poll.id), question_en=polls.question_in(poll, "en"),
                 options_en=options("en"), question_ru=polls.question_in(poll, "ru"),
                 options_ru=options("ru"), count=count,
                 audience=", ".join(districts) or texts("poll-audience-everyone"),
                 closes=local_time(poll.closes_at, config.city.timezone, texts.lang))


def preview_markup(poll: Poll, count: int, texts: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts("poll-button-send", count=count),
                   callback_data=PollAction(action="send", poll=poll.id))
    builder.button(text=texts("poll-button-cancel"),
                   callback_data=PollAction(action="cancel", poll=poll.id))
    return builder.as_markup()


async def on_poll(message: Message, command: CommandObject, session: AsyncSession,
                  runtime: Runtime, texts: Texts, actor: Actor) -> None:
    args = (command.args or "").strip()
    if not args:
        await message.reply(texts("poll-usage", example=polls.EXAMPLE))
        return
    number = NUMBER.match(args)
    if number is not None:
        await show_tally(message, int(number.group(1)), session, texts)
        return
    try:
        spec = polls.parse_spec(args, runtime.config, "/poll")
    except polls.PollFileError as error:
        await message.reply(texts("poll-wrong", problems="\n".join(error.lines)))
        return
    poll = await polls.create(session=session, spec=spec,
                              key=f"tg:{message.chat.id}:{message.message_id}",
                              created_by=actor.name or texts("history-staff"))
    if poll is None:
        return  # the same command handled before (a re-delivered update)
    count = await polls.audience_size(session=session, poll=poll)
    await message.reply(preview_text(poll, count, texts, runtime),
                        reply_markup=preview_markup(poll, count, texts))


async def show_tally(message: Message, number: int, session: AsyncSession,
                     texts: Texts) -> None:
    poll = await session.get(Poll, number)
    if poll is None:
        await message.reply(texts("poll-not-found", number=str(number)))
        return
    result = await polls.tally(session=session, poll=poll)
    await message.reply(polls.results_text(result, texts, header="poll-tally"))


async def on_preview_button(query: CallbackQuery, callback_data: PollAction,
                            session: AsyncSession, runtime: Runtime, texts: Texts,
                            own_texts: Texts,
                            actor: Actor) -> None:
    poll = await polls.is_draft(session=session, poll_id=callback_data.poll)
    if poll is None:
        await query.answer(own_texts("poll-not-draft"), show_alert=True)
        return
    if callback_data.action == "cancel":
        await polls.cancel(session=session, poll_id=poll.id)
        await query.answer()
        await query.message.edit_text(texts("poll-cancelled"))
        return
    count = await polls.audience_size(session=session, poll=poll)
    if not count:
        await query.answer(own_texts("poll-nobody"), show_alert=True)
        return
    if await polls.start(session=session, poll_id=poll.id) is None:
        await query.answer(own_texts("poll-not-draft"), show_alert=True)
        return
    await session.commit()  # the update's one commit: opened, its run created
    runtime.spawn(polls.send(runtime, poll.id))  # reads what was committed
    await query.answer()
    await query.message.edit_text(texts("poll-sending", number=str(poll.id), count=count,
                                        name=actor.name or texts("history-staff")))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="staff_polls")
    router.message.register(on_poll, Command("poll"))
    router.callback_query.register(on_preview_button, PollAction.filter(
        F.action.in_({"send", "cancel"})))
    return router
