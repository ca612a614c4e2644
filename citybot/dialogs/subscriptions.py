"""Subscriptions: /subscribe subscribes at once to the city-wide weekly digest and shows a panel
to refine it (districts, how often, topics); /unsubscribe stops everything. The panel is also
in settings, and the NLU's `subscribe` intent opens it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import SubscriptionAction
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.intents import Intent
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.storage import subscriptions
from citybot.storage.models import Frequency, Resident, Subscription

TOPICS = subscriptions.TOPICS  # new_reports, resolved_reports, announcements


def _button(builder: InlineKeyboardBuilder, text: str, action: str, value: str = "") -> None:
    builder.button(text=text, callback_data=SubscriptionAction(action=action, value=value))


def _mark(on: bool) -> str:
    return "✅" if on else "▫️"


# ---- what the panel says --------------------------------------------------------------------

def panel_text(subscription: Subscription | None, texts: Texts, runtime: Runtime) -> str:
    if subscription is None or not subscription.active:
        return "\n".join([texts("sub-title"), texts("sub-off")])
    names = [runtime.config.city.district(d).name.get(texts.lang)
             for d in subscription.districts if d in _district_ids(runtime)]
    topics = [texts(f"sub-topic-{t}") for t in TOPICS if getattr(subscription, t)]
    return "\n".join([
        texts("sub-title"),
        texts("sub-on"),
        texts("sub-frequency-line", frequency=texts(f"sub-frequency-{subscription.frequency}")),
        texts("sub-districts-line",
              districts=", ".join(names) if names else texts("sub-whole-city")),
        texts("sub-topics-line", topics=", ".join(topics) if topics else texts("sub-no-topics")),
    ])


def panel_markup(subscription: Subscription | None, texts: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if subscription is None or not subscription.active:
        _button(builder, texts("sub-button-subscribe"), "on")
        return builder.as_markup()
    _button(builder, texts("sub-button-districts"), "districts")
    _button(builder, texts("sub-button-frequency"), "frequency")
    _button(builder, texts("sub-button-topics"), "topics")
    _button(builder, texts("sub-button-unsubscribe"), "off")
    builder.adjust(2)
    return builder.as_markup()


def districts_markup(subscription: Subscription, texts: Texts,
                     runtime: Runtime) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for district in runtime.config.city.districts:
        chosen = district.id in subscription.districts
        _button(builder, f"{_mark(chosen)} {district.name.get(texts.lang)}", "district",
                district.id)
    _button(builder, f"{_mark(not subscription.districts)} {texts('sub-whole-city-button')}",
            "city")
    _button(builder, texts("sub-button-done"), "panel")
    builder.adjust(2)
    return builder.as_markup()


def frequency_markup(subscription: Subscription, texts: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for frequency in Frequency:
        label = texts(f"sub-frequency-{frequency}")
        _button(builder, f"{_mark(subscription.frequency == frequency)} {label}", "every",
                frequency.value)
    builder.adjust(1)
    return builder.as_markup()


def topics_markup(subscription: Subscription, texts: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for topic in TOPICS:
        _button(builder, f"{_mark(getattr(subscription, topic))} {texts(f'sub-topic-{topic}')}",
                "topic", topic)
    _button(builder, texts("sub-button-done"), "panel")
    builder.adjust(1)
    return builder.as_markup()


def _district_ids(runtime: Runtime) -> set[str]:
    return {d.id for d in runtime.config.city.districts}


# ---- commands -------------------------------------------------------------------------------

async def on_subscribe(message: Message, session: AsyncSession, resident: Resident,
                       texts: Texts, runtime: Runtime) -> None:
    subscription, new = await subscriptions.subscribe(session=session, resident_id=resident.id)
    text = panel_text(subscription, texts, runtime)
    if new:
        text = f"{texts('sub-done')}\n\n{text}"
    await message.answer(text, reply_markup=panel_markup(subscription, texts))


async def on_unsubscribe(message: Message, session: AsyncSession, resident: Resident,
                         texts: Texts) -> None:
    was = await subscriptions.unsubscribe(session=session, resident_id=resident.id)
    await message.answer(texts("sub-stopped" if was else "sub-not-subscribed"))


# ---- the panel's buttons --------------------------------------------------------------------

async def on_panel_button(query: CallbackQuery, callback_data: SubscriptionAction,
                          session: AsyncSession, resident: Resident, texts: Texts,
                          runtime: Runtime) -> None:
    action, value = callback_data.action, callback_data.value
    subscription = await subscriptions.get_subscription(session=session,
                                                        resident_id=resident.id)
    if action == "on":
        subscription, _ = await subscriptions.subscribe(session=session, resident_id=resident.id)
    elif action == "off":
        await subscriptions.unsubscribe(session=session, resident_id=resident.id)
    elif action == "show":
        await query.answer()
        await query.message.answer(panel_text(subscription, texts, runtime),
                                   reply_markup=panel_markup(subscription, texts))
        return
    elif subscription is None or not subscription.active:
        await query.answer(texts("sub-not-subscribed"), show_alert=True)
        return
    else:
        change(subscription, action, value, runtime)
    markup = _markup_for(action, subscription, texts, runtime)
    await query.answer(texts("sub-stopped") if action == "off" else None)
    text = panel_text(subscription, texts, runtime)
    if action in ("districts", "district", "city"):
        text = f"{text}\n\n{texts('sub-choose-districts')}"
    elif action in ("topics", "topic"):
        text = f"{text}\n\n{texts('sub-choose-topics')}"
    elif action == "frequency":
        text = f"{text}\n\n{texts('sub-choose-frequency')}"
    if query.message is not None:
        await query.message.edit_text(text, reply_markup=markup)


def change(subscription: Subscription, action: str, value: str, runtime: Runtime) -> None:
    """Apply one button of the panel (unknown values are ignored: old or forged buttons)."""
    if action == "district" and value in _district_ids(runtime):
        chosen = set(subscription.districts) ^ {value}
        subscription.districts = sorted(chosen)
    elif action == "city":
        subscription.districts = []
    elif action == "every" and value in {f.value for f in Frequency}:
        subscription.frequency = value
    elif action == "topic" and value in TOPICS:
        setattr(subscription, value, not getattr(subscription, value))
    else:
        return
    subscriptions.touch(subscription)


def _markup_for(action: str, subscription: Subscription | None, texts: Texts,
                runtime: Runtime) -> InlineKeyboardMarkup:
    if subscription is None or not subscription.active:
        return panel_markup(subscription, texts)
    if action in ("districts", "district", "city"):
        return districts_markup(subscription, texts, runtime)
    if action in ("topics", "topic"):
        return topics_markup(subscription, texts)
    if action == "frequency":
        return frequency_markup(subscription, texts)
    return panel_markup(subscription, texts)


def build_intent_router() -> Router:
    router = GatedRouter(name="subscriptions-intents")
    router.message.register(on_subscribe, Intent("subscribe"))
    return router


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="subscriptions")
    router.message.register(on_subscribe, Command("subscribe"))
    router.message.register(on_unsubscribe, Command("unsubscribe"))
    router.callback_query.register(on_panel_button, SubscriptionAction.filter(F.action != ""))
    return router
