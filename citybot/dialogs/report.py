"""The resident's report: category, description, place, photos, summary, duplicate check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from types import EllipsisType
from typing import Any

from aiogram import BaseMiddleware, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove, TelegramObject
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs import keyboards
from citybot.dialogs.callbacks import CategoryPick, ReportAction
from citybot.dialogs.filters import MenuButton
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.intents import Intent
from citybot.dialogs.states import ReportFlow
from citybot.dialogs.wording import age, local_time
from citybot.i18n import Texts
from citybot.nlu import Parse
from citybot.runtime import Runtime
from citybot.services import reports
from citybot.services.nearby import open_reports_nearby
from citybot.storage.models import ReportDraft, Resident, utcnow

ORDER = ("category", "description", "location", "photos", "summary")
MAX_ADDRESS = 200


class DraftMiddleware(BaseMiddleware):
    """Hands the resident's draft to the report handlers; a conversation whose draft is gone
    (sent from another device, cancelled, expired) is told so and ended."""

    async def __call__(
        self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject, data: dict[str, Any],
    ) -> Any:
        resident: Resident | None = data.get("resident")
        state: str | None = data.get("raw_state")
        if resident is not None and "draft" not in data:  # PeopleMiddleware read it already
            data["draft"] = await reports.get_draft(session=data["session"],
                                                    resident_id=resident.id)
        if state and state.startswith("ReportFlow:") and data.get("draft") is None:
            await data["state"].clear()
            answer = event.message if isinstance(event, CallbackQuery) else event
            if isinstance(event, CallbackQuery):
                await event.answer()
            await answer.answer(data["texts"]("report-draft-gone"),
                                reply_markup=keyboards.main_menu(data["texts"]))
            return None
        return await handler(event, data)


# ---- moving between steps -------------------------------------------------------------------

def next_step(draft: ReportDraft, after: str) -> str:
    if draft.editing:
        return "summary"
    after = "category" if after == "confirm_category" else after
    for step in ORDER[ORDER.index(after) + 1:]:
        if step == "description" and draft.description:
            continue
        if step == "location" and (draft.latitude is not None or draft.address):
            continue
        return step
    return "summary"


async def show_step(
    message: Message, draft: ReportDraft, state: FSMContext, texts: Texts, runtime: Runtime
) -> None:
    """Ask the question of the draft's current step and put the conversation there."""
    config = runtime.config
    step = draft.step
    await state.set_state(ReportFlow.drafting)  # the step is the draft's (states.in_force)
    if step == "confirm_category":
        category = config.category(draft.suggested_category)
        await message.answer(
            texts("report-suggested-category",
                  category=f"{category.emoji} {category.name.get(texts.lang)}"),
            reply_markup=keyboards.buttons(("button-yes-right", "confirm"),
                                           ("button-choose-another", "choose"), texts=texts))
    elif step == "category":
        await message.answer(texts("report-choose-category"),
                             reply_markup=keyboards.category_picker(config, texts))
    elif step == "description":
        await message.answer(texts("report-ask-description"), reply_markup=ReplyKeyboardRemove())
    elif step == "location":
        await message.answer(texts("report-ask-location", example=example_address(runtime, texts)),
                             reply_markup=keyboards.location_request(texts))
    elif step == "photos":
        limit = config.reports.max_photos
        action = ("button-done", "photos_done") if draft.photos else ("button-skip", "photos_done")
        await message.answer(texts("report-ask-photos", max=limit),
                             reply_markup=keyboards.buttons(action, texts=texts))
    elif step == "summary":
        await message.answer(summary_text(draft, texts, runtime), reply_markup=keyboards.buttons(
            ("button-send", "send"), ("button-edit", "edit"), ("button-cancel", "cancel"),
            texts=texts))


async def advance(
    message: Message, draft: ReportDraft, state: FSMContext, texts: Texts, runtime: Runtime,
    **answer: object,
) -> None:
    """Save the resident's `answer` to this step with the move to the next (one write), and ask
    the next step's question."""
    await reports.touch(draft, **answer, step=next_step(draft, draft.step), editing=False)
    await show_step(message, draft, state, texts, runtime)


def example_address(runtime: Runtime, texts: Texts) -> str:
    street = runtime.config.city.streets[0]
    return f"{street.name.get(texts.lang)}, 12"


def summary_text(draft: ReportDraft, texts: Texts, runtime: Runtime) -> str:
    category = runtime.config.category(draft.category)
    if draft.address:
        address = draft.address
    elif draft.latitude is not None:
        address = f"{draft.latitude:.5f}, {draft.longitude:.5f}"
    else:
        address = texts("report-no-address")
    return texts("report-summary", emoji=category.emoji, category=category.name.get(texts.lang),
                 description=draft.description or "", address=address, photos=len(draft.photos))


# ---- entry points ---------------------------------------------------------------------------

async def on_report(
    message: Message, state: FSMContext, session: AsyncSession, resident: Resident,
    draft: ReportDraft | None, texts: Texts, runtime: Runtime,
) -> None:
    await begin(message, state=state, session=session, resident=resident, texts=texts,
                runtime=runtime, draft=draft)


async def begin(
    message: Message, *, state: FSMContext, session: AsyncSession, resident: Resident,
    texts: Texts, runtime: Runtime, draft: ReportDraft | EllipsisType | None = ...,
) -> None:
    """Start a report, or offer to continue the unfinished one (`draft` when already read)."""
    if draft is ...:
        draft = await reports.get_draft(session=session, resident_id=resident.id)
    if draft is not None:
        category = (runtime.config.category(draft.category).name.get(texts.lang)
                    if draft.category else texts("report-resume-unknown"))
        await message.answer(texts("report-resume", category=category), reply_markup=(
            keyboards.buttons(("button-continue", "resume"), ("button-start-over", "restart"),
                              texts=texts)))
        return
    draft = await reports.start_draft(session=session, resident=resident, step="category",
                                      replaces=False)
    await show_step(message, draft, state, texts, runtime)


async def start_from_text(
    message: Message, *, state: FSMContext, session: AsyncSession, resident: Resident,
    texts: Texts, runtime: Runtime, category: str, confidence: float | None = None,
    confirm: bool = True,
) -> None:
    """Free text that the NLU read as a report: keep the words, confirm the category (or, when
    the NLU is not sure of it, let the resident choose); the NLU's guess stays with the report."""
    limits = runtime.config.reports
    text = message.text or ""
    usable = reports.check_description(
        text, min_chars=limits.min_description_chars, max_chars=limits.max_description_chars
    ) is None
    draft = await reports.start_draft(
        session=session, resident=resident, step="confirm_category" if confirm else "category",
        suggested_category=category, description=text.strip() if usable else None,
        nlu_confidence=confidence,
    )
    await show_step(message, draft, state, texts, runtime)


async def on_resume(query: CallbackQuery, state: FSMContext, draft: ReportDraft | None,
                    texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    if draft is None:
        await query.message.answer(texts("report-draft-gone"))
        return
    await reports.touch(draft)
    await show_step(query.message, draft, state, texts, runtime)


async def on_restart(query: CallbackQuery, state: FSMContext, session: AsyncSession,
                     resident: Resident, texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    draft = await reports.start_draft(session=session, resident=resident, step="category")
    await show_step(query.message, draft, state, texts, runtime)


# ---- category -------------------------------------------------------------------------------

async def on_category_confirmed(query: CallbackQuery, state: FSMContext, draft: ReportDraft,
                                texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    await advance(query.message, draft, state, texts, runtime,
                  category=draft.suggested_category)


async def on_choose_another(query: CallbackQuery, state: FSMContext, draft: ReportDraft,
                            texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    await reports.touch(draft, step="category")
    await show_step(query.message, draft, state, texts, runtime)


async def on_category(query: CallbackQuery, callback_data: CategoryPick, state: FSMContext,
                      draft: ReportDraft, texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    if callback_data.category not in {c.id for c in runtime.config.categories}:
        await query.message.answer(texts("report-need-category"))
        return
    await advance(query.message, draft, state, texts, runtime, category=callback_data.category)


# ---- description ----------------------------------------------------------------------------

async def take_description(message: Message, text: str, draft: ReportDraft, state: FSMContext,
                           texts: Texts, runtime: Runtime) -> None:
    limits = runtime.config.reports
    problem = reports.check_description(
        text, min_chars=limits.min_description_chars, max_chars=limits.max_description_chars)
    if problem is reports.DescriptionProblem.too_long:
        await message.answer(texts("report-description-too-long", length=len(text),
                                   max=limits.max_description_chars))
    elif problem is reports.DescriptionProblem.no_words:
        await message.answer(texts("report-description-no-words"))
    elif problem is reports.DescriptionProblem.too_short:
        await message.answer(texts("report-description-too-short",
                                   min=limits.min_description_chars))
    else:
        await advance(message, draft, state, texts, runtime, description=text.strip())


async def on_description(message: Message, state: FSMContext, draft: ReportDraft, texts: Texts,
                         runtime: Runtime) -> None:
    await take_description(message, message.text, draft, state, texts, runtime)


async def on_description_photo(message: Message, state: FSMContext, draft: ReportDraft,
                               texts: Texts, runtime: Runtime) -> None:
    await add_photo(draft, message, runtime.config.reports.max_photos)
    if message.caption:
        await take_description(message, message.caption, draft, state, texts, runtime)
    elif first_of_album(draft, message):
        await message.answer(texts("report-photo-saved-ask-description"))


# ---- location -------------------------------------------------------------------------------

async def take_point(message: Message, latitude: float, longitude: float, draft: ReportDraft,
                     state: FSMContext, texts: Texts, runtime: Runtime,
                     address: str | None = None) -> None:
    city = runtime.config.city.name.get(texts.lang)
    if abs(latitude) < 1e-6 and abs(longitude) < 1e-6:
        await message.answer(texts("report-location-zero"))
        return
    if not runtime.city_map.contains(latitude, longitude):
        await message.answer(texts("report-location-outside", city=city))
        return
    address = address or await runtime.geocoding.describe(latitude, longitude, texts.lang)
    district = runtime.city_map.district_of(latitude, longitude)
    # the next step (the draft's, and the conversation at it) is saved with the place, before
    # the bot speaks: one commit, so a database outage between the two messages cannot keep
    # one, lose the other
    await reports.touch(draft, latitude=latitude, longitude=longitude, address=address,
                        district=district.id if district else None,
                        step=next_step(draft, draft.step), editing=False)
    await state.set_state(ReportFlow.drafting)
    await message.answer(texts("report-address-found", address=address),
                         reply_markup=ReplyKeyboardRemove())
    await show_step(message, draft, state, texts, runtime)


async def on_location(message: Message, state: FSMContext, draft: ReportDraft, texts: Texts,
                      runtime: Runtime) -> None:
    point = message.venue.location if message.venue else message.location
    address = message.venue.address if message.venue else None
    await take_point(message, point.latitude, point.longitude, draft, state, texts, runtime,
                     address=address)


async def on_address(message: Message, state: FSMContext, draft: ReportDraft, texts: Texts,
                     runtime: Runtime) -> None:
    query = message.text.strip()
    if len(query) > MAX_ADDRESS:
        await message.answer(texts("report-address-too-long"))
        return
    lookup = await runtime.geocoding.find(query, texts.lang)
    if lookup.point is not None:
        if not lookup.inside_city:
            city = runtime.config.city.name.get(texts.lang)
            await message.answer(texts("report-location-outside", city=city))
            return
        await take_point(message, *lookup.point, draft, state, texts, runtime,
                         address=lookup.address)
        return
    await state.update_data(address_query=query, suggestions=lookup.suggestions)
    keep = [("button-keep-address", "keep_address")]
    if lookup.suggestions:
        await message.answer(texts("report-address-suggest", query=query),
                             reply_markup=keyboards.choices(lookup.suggestions, "address", keep,
                                                            texts))
    else:
        await message.answer(
            texts("report-address-not-found", query=query,
                  example=example_address(runtime, texts)),
            reply_markup=keyboards.choices([], "address", keep, texts))


async def on_suggestion(query: CallbackQuery, callback_data: ReportAction, state: FSMContext,
                        draft: ReportDraft, texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    suggestions = (await state.get_data()).get("suggestions") or []
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if not 0 <= index < len(suggestions):
        await query.message.answer(texts("report-need-location"))
        return
    lookup = await runtime.geocoding.find(suggestions[index], texts.lang)
    if lookup.point is None:
        await query.message.answer(texts("report-need-location"))
        return
    await take_point(query.message, *lookup.point, draft, state, texts, runtime,
                     address=lookup.address)


async def on_keep_address(query: CallbackQuery, state: FSMContext, draft: ReportDraft,
                          texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    typed = (await state.get_data()).get("address_query")
    if not typed:
        await query.message.answer(texts("report-need-location"))
        return
    await reports.touch(draft, address=typed, latitude=None, longitude=None, district=None,
                        step=next_step(draft, draft.step), editing=False)  # as in take_point
    await state.set_state(ReportFlow.drafting)
    await query.message.answer(texts("report-address-found", address=typed),
                               reply_markup=ReplyKeyboardRemove())
    await show_step(query.message, draft, state, texts, runtime)


# ---- photos ---------------------------------------------------------------------------------

async def add_photo(draft: ReportDraft, message: Message, limit: int) -> bool:
    """Keep the photo (its largest size); False when the draft is full."""
    if len(draft.photos) >= limit:
        return False
    biggest = message.photo[-1]
    photos = [*draft.photos, {"file_id": biggest.file_id, "group": message.media_group_id,
                              "file_unique_id": biggest.file_unique_id}]
    await reports.touch(draft, photos=photos)
    return True


def first_of_album(draft: ReportDraft, message: Message) -> bool:
    """An album arrives as several messages: only its first photo is acknowledged."""
    group = message.media_group_id
    return group is None or [p.get("group") for p in draft.photos].count(group) <= 1


async def on_photo(message: Message, draft: ReportDraft, texts: Texts, runtime: Runtime) -> None:
    limit = runtime.config.reports.max_photos
    if not await add_photo(draft, message, limit):
        if message.media_group_id is None:
            await message.answer(texts("report-photos-full", max=limit))
        return
    if not first_of_album(draft, message):
        return
    await message.answer(texts("report-photo-added", count=len(draft.photos), max=limit),
                         reply_markup=keyboards.buttons(("button-done", "photos_done"),
                                                        texts=texts))


async def on_photos_done(query: CallbackQuery, state: FSMContext, draft: ReportDraft,
                         texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    await advance(query.message, draft, state, texts, runtime)


# ---- summary, edit, send --------------------------------------------------------------------

async def on_edit(query: CallbackQuery, texts: Texts) -> None:
    await query.answer()
    await query.message.answer(texts("report-edit-what"), reply_markup=keyboards.buttons(
        ("button-edit-category", "edit_field", "category"),
        ("button-edit-description", "edit_field", "description"),
        ("button-edit-location", "edit_field", "location"),
        ("button-edit-photos", "edit_field", "photos"),
        ("button-back", "edit_field", "summary"), texts=texts))


async def on_edit_field(query: CallbackQuery, callback_data: ReportAction, state: FSMContext,
                        draft: ReportDraft, texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    field = callback_data.value
    if field not in ORDER:
        await query.message.answer(texts("report-need-button"))
        return
    cleared = {"photos": []} if field == "photos" else {}
    await reports.touch(draft, step=field, editing=field != "summary", **cleared)
    await show_step(query.message, draft, state, texts, runtime)


async def on_cancel(query: CallbackQuery, state: FSMContext, draft: ReportDraft | None,
                    texts: Texts) -> None:
    await query.answer()
    if draft is not None:
        await reports.drop_draft(draft)
    await state.clear()
    await query.message.answer(texts("report-cancelled"), reply_markup=keyboards.main_menu(texts))


async def on_send(query: CallbackQuery, state: FSMContext, session: AsyncSession,
                  resident: Resident, draft: ReportDraft | None, texts: Texts,
                  runtime: Runtime) -> None:
    await query.answer()
    if draft is None or draft.step != "summary":  # a second tap on Send: it was filed already
        number = (await state.get_data()).get("last_report")
        key = "report-already-sent" if number else "report-draft-gone"
        await query.message.answer(texts(key, number=number or 0))
        return
    limit = runtime.config.reports.max_reports_per_hour
    recent = await reports.reports_since(session=session, resident_id=resident.id,
                                         since=utcnow() - timedelta(hours=1))
    if recent >= limit:
        await query.message.answer(texts("report-too-many", count=recent))
        return
    if not draft.duplicate_checked and draft.latitude is not None:
        nearby = await open_reports_nearby(
            session=session, category=draft.category, latitude=draft.latitude,
            longitude=draft.longitude, radius_m=runtime.config.reports.duplicate_radius_m)
        if nearby:
            await offer_duplicate(query.message, draft, state, texts, *nearby[0])
            return
    await file(query.message, draft, state, session, texts, runtime)


async def offer_duplicate(message: Message, draft: ReportDraft, state: FSMContext, texts: Texts,
                          report: Any, metres: float) -> None:
    await reports.touch(draft, step="duplicate", duplicate_checked=True)
    await state.set_state(ReportFlow.drafting)
    description = report.description if len(report.description) <= 80 else \
        report.description[:77] + "…"
    await message.answer(
        texts("report-duplicate-offer", number=report.id, description=description,
              age=age(texts, report.created_at), status=texts(f"status-{report.status}"),
              distance=round(metres)),
        reply_markup=keyboards.buttons(("button-follow", "follow", str(report.id)),
                                       ("button-its-new", "new"), texts=texts, width=1))


async def file(message: Message, draft: ReportDraft, state: FSMContext, session: AsyncSession,
               texts: Texts, runtime: Runtime) -> None:
    filed = await reports.file_report(session=session, draft=draft, config=runtime.config,
                                      staff_chat_id=runtime.staff_chat_id)
    report = filed.report
    await state.set_data({"last_report": report.id})  # the conversation's only memory now
    await state.set_state(None)
    department = runtime.config.department(report.department).name.get(texts.lang)
    district = runtime.config.city.district(report.district) if report.district else None
    await message.answer(
        texts("report-created", number=report.id, department=department,
              district=district.name.get(texts.lang) if district else "none",
              hours=runtime.config.category(report.category).sla_hours,
              due=local_time(report.due_at, runtime.config.city.timezone, texts.lang)),
        reply_markup=keyboards.main_menu(texts))


async def on_follow(query: CallbackQuery, callback_data: ReportAction, state: FSMContext,
                    session: AsyncSession, resident: Resident, draft: ReportDraft,
                    texts: Texts, runtime: Runtime) -> None:
    number = int(callback_data.value) if callback_data.value.isdigit() else 0
    nearby = [] if draft.latitude is None else await open_reports_nearby(
        session=session, category=draft.category, latitude=draft.latitude,
        longitude=draft.longitude, radius_m=runtime.config.reports.duplicate_radius_m)
    if number not in {report.id for report, _ in nearby}:  # only a report it could offer
        await query.answer(texts("button-expired"), show_alert=True)
        return
    await query.answer()
    await reports.follow(session=session, report_id=number, resident_id=resident.id)
    await reports.drop_draft(draft)
    await state.clear()
    await query.message.answer(texts("report-following", number=number),
                               reply_markup=keyboards.main_menu(texts))


async def on_not_duplicate(query: CallbackQuery, state: FSMContext, session: AsyncSession,
                           draft: ReportDraft, texts: Texts, runtime: Runtime) -> None:
    await query.answer()
    await file(query.message, draft, state, session, texts, runtime)


# ---- anything else during the conversation --------------------------------------------------

NEEDS = {
    ReportFlow.confirm_category.state: "report-need-button",
    ReportFlow.category.state: "report-need-category",
    ReportFlow.description.state: "report-need-description",
    ReportFlow.location.state: "report-need-location",
    ReportFlow.photos.state: "report-need-photos",
    ReportFlow.summary.state: "report-need-button",
    ReportFlow.duplicate.state: "report-need-button",
}


async def on_unexpected(message: Message, raw_state: str, texts: Texts) -> None:
    """Stickers, voice, video, documents or stray text: say what this step needs; keep all."""
    await message.answer(texts(NEEDS.get(raw_state, "report-need-button")))


async def on_report_intent(
    message: Message, parse: Parse, state: FSMContext, session: AsyncSession, resident: Resident,
    texts: Texts, runtime: Runtime,
) -> None:
    """Free text the NLU read as a problem to report: the resident confirms its category, or
    chooses one when the NLU is not sure of it; the NLU's guess and confidence stay with it."""
    threshold = runtime.config.nlu.confidence_threshold
    await start_from_text(message, state=state, session=session, resident=resident, texts=texts,
                          runtime=runtime, category=parse.category or "other",
                          confidence=parse.confidence,
                          confirm=parse.category_is_confident(threshold))


def build_intent_router() -> Router:
    router = GatedRouter(name="report-intents")
    router.message.register(on_report_intent, Intent("report_problem"))
    return router


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="report")
    router.message.middleware(DraftMiddleware())
    router.callback_query.middleware(DraftMiddleware())
    router.message.register(on_report, Command("report"))
    router.message.register(on_report, MenuButton("menu-report"))
    router.callback_query.register(on_resume, ReportAction.filter(F.action == "resume"))
    router.callback_query.register(on_restart, ReportAction.filter(F.action == "restart"))
    router.callback_query.register(
        on_category_confirmed, ReportFlow.confirm_category,
        ReportAction.filter(F.action == "confirm"),
    )
    router.callback_query.register(
        on_choose_another, ReportFlow.confirm_category, ReportAction.filter(F.action == "choose")
    )
    router.callback_query.register(on_category, ReportFlow.category, CategoryPick.filter())
    router.callback_query.register(on_category, ReportFlow.confirm_category, CategoryPick.filter())
    router.message.register(on_description, ReportFlow.description, F.text)
    router.message.register(on_description_photo, ReportFlow.description, F.photo)
    router.message.register(on_location, ReportFlow.location, F.location)
    router.message.register(on_address, ReportFlow.location, F.text)
    router.callback_query.register(
        on_suggestion, ReportFlow.location, ReportAction.filter(F.action == "address")
    )
    router.callback_query.register(
        on_keep_address, ReportFlow.location, ReportAction.filter(F.action == "keep_address")
    )
    router.message.register(on_photo, ReportFlow.photos, F.photo)
    router.callback_query.register(
        on_photos_done, ReportFlow.photos, ReportAction.filter(F.action == "photos_done")
    )
    router.callback_query.register(
        on_edit, ReportFlow.summary, ReportAction.filter(F.action == "edit")
    )
    router.callback_query.register(
        on_edit_field, ReportFlow.summary, ReportAction.filter(F.action == "edit_field")
    )
    router.callback_query.register(on_cancel, ReportAction.filter(F.action == "cancel"))
    router.callback_query.register(on_send, ReportAction.filter(F.action == "send"))
    router.callback_query.register(
        on_follow, ReportFlow.duplicate, ReportAction.filter(F.action == "follow")
    )
    router.callback_query.register(
        on_not_duplicate, ReportFlow.duplicate, ReportAction.filter(F.action == "new")
    )
    router.message.register(on_unexpected, StateFilter(ReportFlow))
    return router
