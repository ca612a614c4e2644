"""A resident subscribes: /subscribe at once (city-wide, weekly), then refines districts, how
often and topics with buttons; /unsubscribe stops everything; the same panel is in settings and
answers "subscribe me to news"."""

from __future__ import annotations

from sqlmodel import select

from citybot.storage.models import Resident, Subscription
from citybot.testing import button_texts


async def subscription_of(runtime, user) -> Subscription | None:
    async with runtime.sessions() as session:
        query = select(Subscription).join(Resident, Resident.id == Subscription.resident_id) \
            .where(Resident.telegram_id == user.id)
        return (await session.exec(query)).first()


async def press(emulator, user, message: dict, label: str) -> dict:
    """Press a button of the panel as it is now; returns the panel after the edit."""
    now = emulator.message(message)[1]
    emulator.click_button(user, now, label)
    return await emulator.wait_for_edit(now)


async def test_subscribe_at_once_then_refine_with_buttons(emulator, citybot) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "/subscribe")
    panel = await emulator.wait_for_message(anna)
    assert "subscribed to the weekly digest of the whole city" in panel["text"]
    assert button_texts(panel) == ["📍 Districts", "🗓 How often", "🏷 Topics", "🔕 Unsubscribe"]
    subscription = await subscription_of(citybot.runtime, anna)
    assert subscription.active and subscription.frequency == "weekly"
    assert subscription.districts == [] and subscription.announcements

    panel = await press(emulator, anna, panel, "📍 Districts")
    assert "▫️ Central District" in button_texts(panel)
    panel = await press(emulator, anna, panel, "▫️ Central District")
    panel = await press(emulator, anna, panel, "▫️ Zarechny District")
    assert "✅ Central District" in button_texts(panel)
    panel = await press(emulator, anna, panel, "✔️ Done")
    assert "Districts: Central District, Zarechny District" in panel["text"]

    panel = await press(emulator, anna, panel, "🗓 How often")
    panel = await press(emulator, anna, panel, "▫️ every day")
    assert "Digest: every day" in panel["text"]

    panel = await press(emulator, anna, panel, "🏷 Topics")
    panel = await press(emulator, anna, panel, "✅ 📣 City announcements")
    assert "▫️ 📣 City announcements" in button_texts(panel)
    subscription = await subscription_of(citybot.runtime, anna)
    assert subscription.districts == ["central", "zarechny"]
    assert subscription.frequency == "daily"
    assert not subscription.announcements and subscription.new_reports


async def test_unsubscribe_stops_everything_and_subscribe_starts_afresh(
    emulator, citybot
) -> None:
    ivan = emulator.add_user("Иван", language_code="ru")
    emulator.send_text(ivan, "/subscribe")
    assert "еженедельную сводку по всему городу" in (await emulator.wait_for_message(ivan))[
        "text"]
    emulator.send_text(ivan, "/unsubscribe")
    assert "Вы отписались" in (await emulator.wait_for_message(ivan))["text"]
    assert not (await subscription_of(citybot.runtime, ivan)).active
    emulator.send_text(ivan, "/unsubscribe")
    assert "Вы не подписаны" in (await emulator.wait_for_message(ivan))["text"]
    emulator.send_text(ivan, "/subscribe")
    panel = await emulator.wait_for_message(ivan)
    assert "Готово" in panel["text"] and (await subscription_of(citybot.runtime, ivan)).active
    emulator.send_text(ivan, "/subscribe")  # already subscribed: the panel, no "done"
    again = await emulator.wait_for_message(ivan)
    assert "Готово" not in again["text"] and "Вы подписаны." in again["text"]


async def test_the_panel_is_in_settings_and_the_unsubscribe_button_works(
    emulator, citybot
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "⚙️ Settings")
    settings = await emulator.wait_for_message(anna)
    emulator.click_button(anna, settings, "🔔 Digests and announcements")
    panel = await emulator.wait_for_message(anna)
    assert "You are not subscribed" in panel["text"]
    panel = await press(emulator, anna, panel, "🔔 Subscribe")
    assert "You are subscribed." in panel["text"]
    panel = await press(emulator, anna, panel, "🔕 Unsubscribe")
    assert "You are not subscribed" in panel["text"]
    assert not (await subscription_of(citybot.runtime, anna)).active


async def test_asking_in_words_subscribes(emulator, citybot) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "subscribe me to news")
    panel = await emulator.wait_for_message(anna)
    assert "subscribed to the weekly digest" in panel["text"]
    assert (await subscription_of(citybot.runtime, anna)).active
