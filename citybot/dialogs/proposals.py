"""Residents' proposals: /propose (title, description, district, photo, summary, Send), /ideas
(browse by newest, most supported, district), a proposal's card with Support / Withdraw, and the
deep link `t.me/<bot>?start=idea_<n>` that opens it. The domain is citybot.services.proposals."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs import keyboards
from citybot.dialogs.callbacks import IdeaAction
from citybot.dialogs.filters import MenuButton
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.intents import Intent
from citybot.dialogs.states import ProposalFlow
from citybot.dialogs.wording import local_time
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import proposals
from citybot.services.proposals import Refused
from citybot.storage.models import Proposal, ProposalStatus, Resident

DEEP_LINK = r"^idea_(\d{1,9})$"


def refusal(texts: Texts, refused: Refused) -> str:
    return texts(refused.key, **refused.args_)


def district_name(runtime: Runtime, district: str, texts: Texts) -> str:
    return runtime.config.city.district(district).name.get(texts.lang)


# ---- a proposal's card, as residents see it -------------------------------------------------

def status_line(proposal: Proposal, texts: Texts, runtime: Runtime) -> str:
    if proposal.status == ProposalStatus.published:
        return texts("idea-status-published", until=local_time(
            proposal.deadline_at, runtime.config.city.timezone, texts.lang))
    if proposal.status == ProposalStatus.answered:
        return texts("idea-status-answered", decision=texts(f"idea-decision-{proposal.answer}"),
                     note=proposal.answer_note or "")
    return texts(f"idea-status-{proposal.status}")


def card_text(proposal: Proposal, texts: Texts, runtime: Runtime, bot_username: str) -> str:
    return texts("idea-card", number=str(proposal.id), title=proposal.title,
                 district=district_name(runtime, proposal.district, texts),
                 description=proposal.description, supports=proposal.supports,
                 threshold=runtime.config.proposals.threshold,
                 status=status_line(proposal, texts, runtime),
                 link=proposals.link(bot_username, proposal.id))


def card_markup(proposal: Proposal, supported: bool, texts: Texts) -> InlineKeyboardMarkup | None:
    if proposal.status != ProposalStatus.published:
        return None
    builder = InlineKeyboardBuilder()
    action, key = ("withdraw", "idea-button-withdraw") if supported \
        else ("support", "idea-button-support")
    builder.button(text=texts(key), callback_data=IdeaAction(action=action,
                                                              proposal=proposal.id))
    return builder.as_markup()


async def show_card(message: Message, proposal_id: int, session: AsyncSession,
                    resident: Resident, texts: Texts, runtime: Runtime) -> None:
    proposal = await proposals.visible(session=session, proposal_id=proposal_id)
    if proposal is None:
        await message.answer(texts("idea-not-found"))
        return
    supported = await proposals.has_supported(session=session, proposal_id=proposal.id,
                                              resident_id=resident.id)
    me = await message.bot.me()
    await message.answer(card_text(proposal, texts, runtime, me.username),
                         reply_markup=card_markup(proposal, supported, texts))


async def on_deep_link(message: Message, command: CommandObject, state: FSMContext,
                       session: AsyncSession, resident: Resident, texts: Texts,
                       runtime: Runtime) -> None:
    await state.clear()
    await show_card(message, int(command.args.removeprefix("idea_")), session, resident, texts,
                    runtime)


async def on_support(query: CallbackQuery, callback_data: IdeaAction, session: AsyncSession,
                     resident: Resident, texts: Texts, runtime: Runtime, bot: Bot) -> None:
    """Support or withdraw; forged data (an unpublished or closed proposal) changes nothing."""
    try:
        if callback_data.action == "support":
            done = await proposals.support(session=session, runtime=runtime,
                                           proposal_id=callback_data.proposal, resident=resident)
            proposal, answer, supported = done.proposal, texts("idea-supported"), True
        else:
            proposal = await proposals.withdraw(session=session,
                                                proposal_id=callback_data.proposal,
                                                resident=resident)
            answer, supported = texts("idea-withdrawn"), False
    except Refused as refused:
        await query.answer(refusal(texts, refused), show_alert=True)
        return
    me = await bot.me()
    await query.answer(answer)
    await query.message.edit_text(card_text(proposal, texts, runtime, me.username),
                                  reply_markup=card_markup(proposal, supported, texts))


# ---- browsing -------------------------------------------------------------------------------

def list_value(sort: str, district: str, page: int) -> str:
    return f"{sort}.{district}.{page}"


async def show_list(session: AsyncSession, texts: Texts, runtime: Runtime, value: str = ""
                    ) -> tuple[str, InlineKeyboardMarkup]:
    sort, district, page = ([*value.split("."), "", "", ""])[:3]
    sort = sort if sort in proposals.SORTS else "new"
    districts = {d.id for d in runtime.config.city.districts}
    district = district if district in districts else ""
    page = int(page) if page.isdigit() else 0
    found, total = await proposals.browse(session=session, sort=sort, district=district or None,
                                          page=page)
    builder = InlineKeyboardBuilder()
    for proposal in found:
        builder.button(text=texts("ideas-line", supports=proposal.supports,
                                  title=proposal.title)[:64],
                       callback_data=IdeaAction(action="open", proposal=proposal.id))
    sizes = [1] * len(found)
    if total > (page + 1) * proposals.PAGE:
        builder.button(text=texts("ideas-button-more"), callback_data=IdeaAction(
            action="list", value=list_value(sort, district, page + 1)))
        sizes.append(1)
    for other in proposals.SORTS:
        mark = "• " if other == sort else ""
        builder.button(text=mark + texts(f"ideas-sort-{other}"), callback_data=IdeaAction(
            action="list", value=list_value(other, district, 0)))
    sizes.append(len(proposals.SORTS))
    places = [("", texts("ideas-all-districts"))] + [
        (d.id, d.name.get(texts.lang)) for d in runtime.config.city.districts]
    for place, name in places:
        mark = "📍 " if place == district else ""
        builder.button(text=mark + name, callback_data=IdeaAction(
            action="list", value=list_value(sort, place, 0)))
    sizes.extend([3] * ((len(places) + 2) // 3))
    builder.button(text=texts("ideas-button-propose"), callback_data=IdeaAction(action="new"))
    sizes.append(1)
    builder.adjust(*sizes)
    title = texts("ideas-title", count=total, sort=texts(f"ideas-sort-{sort}"),
                  district=district_name(runtime, district, texts) if district
                  else texts("ideas-all-districts"))
    text = title if found else f"{title}\n{texts('ideas-empty')}"
    return text, builder.as_markup()


async def on_ideas(message: Message, state: FSMContext, session: AsyncSession, texts: Texts,
                   runtime: Runtime) -> None:
    await state.clear()
    text, markup = await show_list(session, texts, runtime)
    await message.answer(text, reply_markup=markup)


async def on_list_button(query: CallbackQuery, callback_data: IdeaAction,
                         session: AsyncSession, texts: Texts, runtime: Runtime) -> None:
    text, markup = await show_list(session, texts, runtime, callback_data.value)
    await query.answer()
    with contextlib.suppress(TelegramBadRequest):  # the same list pressed again: not modified
        await query.message.edit_text(text, reply_markup=markup)


async def on_open(query: CallbackQuery, callback_data: IdeaAction, session: AsyncSession,
                  resident: Resident, texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    await show_card(query.message, callback_data.proposal, session, resident, texts, runtime)


# ---- /propose -------------------------------------------------------------------------------

async def on_propose(message: Message, state: FSMContext, texts: Texts) -> None:
    await state.clear()
    await state.set_state(ProposalFlow.title)
    await message.answer(texts("idea-ask-title", min=proposals.MIN_TITLE,
                               max=proposals.MAX_TITLE),
                         reply_markup=ReplyKeyboardRemove())


async def on_propose_button(query: CallbackQuery, state: FSMContext, texts: Texts) -> None:
    await query.answer()
    await on_propose(query.message, state, texts)


async def on_title(message: Message, state: FSMContext, texts: Texts) -> None:
    try:
        title = proposals.check_title(message.text)
    except Refused as refused:
        await message.answer(refusal(texts, refused))
        return
    await state.update_data(title=title)
    await state.set_state(ProposalFlow.description)
    await message.answer(texts("idea-ask-description", min=proposals.MIN_DESCRIPTION,
                               max=proposals.MAX_DESCRIPTION))


async def on_description(message: Message, state: FSMContext, texts: Texts,
                         runtime: Runtime) -> None:
    try:
        description = proposals.check_description(message.text)
    except Refused as refused:
        await message.answer(refusal(texts, refused))
        return
    await state.update_data(description=description)
    await state.set_state(ProposalFlow.district)
    await message.answer(texts("idea-ask-district"), reply_markup=district_picker(texts, runtime))


def district_picker(texts: Texts, runtime: Runtime) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for district in runtime.config.city.districts:
        builder.button(text=district.name.get(texts.lang),
                       callback_data=IdeaAction(action="district", value=district.id))
    builder.adjust(2)
    return builder.as_markup()


async def on_district_button(query: CallbackQuery, callback_data: IdeaAction,
                             state: FSMContext, texts: Texts, runtime: Runtime) -> None:
    if callback_data.value not in {d.id for d in runtime.config.city.districts}:
        await query.answer(texts("button-expired"))
        return
    await query.answer()
    await chose_district(query.message, callback_data.value, state, texts)


async def on_district_location(message: Message, state: FSMContext, texts: Texts,
                               runtime: Runtime) -> None:
    district = runtime.city_map.district_of(message.location.latitude,
                                            message.location.longitude)
    if district is None:
        await message.answer(texts("idea-district-outside"),
                             reply_markup=district_picker(texts, runtime))
        return
    await chose_district(message, district.id, state, texts)


async def chose_district(message: Message, district: str, state: FSMContext,
                         texts: Texts) -> None:
    await state.update_data(district=district)
    await state.set_state(ProposalFlow.photo)
    builder = InlineKeyboardBuilder()
    builder.button(text=texts("idea-button-skip-photo"), callback_data=IdeaAction(action="skip"))
    await message.answer(texts("idea-ask-photo"), reply_markup=builder.as_markup())


async def on_photo(message: Message, state: FSMContext, texts: Texts, runtime: Runtime) -> None:
    await state.update_data(photo=message.photo[-1].file_id)
    await show_summary(message, state, texts, runtime)


async def on_skip_photo(query: CallbackQuery, state: FSMContext, texts: Texts,
                        runtime: Runtime) -> None:
    await query.answer()
    await show_summary(query.message, state, texts, runtime)


async def show_summary(message: Message, state: FSMContext, texts: Texts,
                       runtime: Runtime) -> None:
    data = await state.get_data()
    await state.set_state(ProposalFlow.summary)
    builder = InlineKeyboardBuilder()
    builder.button(text=texts("idea-button-send"), callback_data=IdeaAction(action="send"))
    builder.button(text=texts("idea-button-cancel"), callback_data=IdeaAction(action="cancel"))
    await message.answer(texts("idea-summary", title=data["title"],
                               description=data["description"],
                               district=district_name(runtime, data["district"], texts),
                               photo="yes" if data.get("photo") else "no"),
                         reply_markup=builder.as_markup())


async def on_send(query: CallbackQuery, state: FSMContext, session: AsyncSession,
                  resident: Resident, texts: Texts, runtime: Runtime) -> None:
    data = await state.get_data()
    try:
        proposal = await proposals.submit(
            session=session, runtime=runtime, resident=resident,
            key=f"tg:{query.message.chat.id}:{query.message.message_id}", title=data["title"],
            description=data["description"], district=data["district"],
            photo_file_id=data.get("photo"))
    except Refused as refused:
        await query.answer(refusal(texts, refused), show_alert=True)
        return
    await state.clear()
    await query.answer()
    if proposal is None:
        return  # sent before (a re-delivered press)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(texts("idea-sent", number=str(proposal.id)),
                               reply_markup=keyboards.main_menu(texts))


async def on_cancel(query: CallbackQuery, state: FSMContext, texts: Texts) -> None:
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(texts("idea-cancelled"), reply_markup=keyboards.main_menu(texts))


async def on_not_text(message: Message, texts: Texts) -> None:
    """A sticker, a voice message… where a title or a description is asked."""
    await message.answer(texts("idea-text-expected"))


async def on_not_photo(message: Message, texts: Texts) -> None:
    await message.answer(texts("idea-photo-expected"))


async def on_stale_step(query: CallbackQuery, texts: Texts) -> None:
    """A step's button pressed when that step is not waiting (an old message, forged data)."""
    await query.answer(texts("idea-flow-gone"), show_alert=True)


def build_intent_router() -> Router:
    router = GatedRouter(name="proposals-intents")
    router.message.register(on_propose, Intent("propose_idea"))
    return router


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="proposals")
    router.message.register(on_deep_link, CommandStart(deep_link=True,
                                                       magic=F.args.regexp(DEEP_LINK)))
    router.message.register(on_propose, Command("propose"))
    router.message.register(on_ideas, Command("ideas"))
    router.message.register(on_ideas, MenuButton("menu-ideas"))
    router.message.register(on_title, ProposalFlow.title, F.text, ~F.text.startswith("/"))
    router.message.register(on_description, ProposalFlow.description, F.text,
                            ~F.text.startswith("/"))
    router.message.register(on_not_text, StateFilter(ProposalFlow.title,
                                                     ProposalFlow.description),
                            ~F.text.startswith("/"))
    router.message.register(on_district_location, ProposalFlow.district, F.location)
    router.message.register(on_photo, ProposalFlow.photo, F.photo)
    router.message.register(on_not_photo, ProposalFlow.photo, ~F.text.startswith("/"))
    router.callback_query.register(on_support, IdeaAction.filter(
        F.action.in_({"support", "withdraw"})))
    router.callback_query.register(on_open, IdeaAction.filter(F.action == "open"))
    router.callback_query.register(on_list_button, IdeaAction.filter(F.action == "list"))
    router.callback_query.register(on_propose_button, IdeaAction.filter(F.action == "new"))
    router.callback_query.register(on_district_button, ProposalFlow.district,
                                   IdeaAction.filter(F.action == "district"))
    router.callback_query.register(on_skip_photo, ProposalFlow.photo,
                                   IdeaAction.filter(F.action == "skip"))
    router.callback_query.register(on_send, ProposalFlow.summary,
                                   IdeaAction.filter(F.action == "send"))
    router.callback_query.register(on_cancel, ProposalFlow.summary,
                                   IdeaAction.filter(F.action == "cancel"))
    router.callback_query.register(on_stale_step, IdeaAction.filter())
    return router
