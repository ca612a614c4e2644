"""The desk's main path on SQLite and PostgreSQL: card actions, the relay, the paced outbox."""

from citybot.services.pacing import Pacer
from citybot.testing import running_bot

from .conftest import card_of, file_report, press


async def test_work_a_report_end_to_end(
    emulator, any_database_url, city_config, staff_group, official
) -> None:
    async with running_bot(api_url=emulator.url, token=emulator.token,
                           database_url=any_database_url, config=city_config) as bot:
        bot.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
        anna = emulator.add_user("Anna", language_code="en")
        number = await file_report(emulator, anna, "Huge pothole outside number 12")
        card = await card_of(emulator, staff_group, number)
        await press(emulator, official, card, "🙋 Взять")
        await emulator.wait_for_message(anna, contains="has taken the report")
        emulator.send_text(official, "Which lane?", chat=staff_group, reply_to=card)
        relayed = await emulator.wait_for_message(anna, contains="Which lane?")
        emulator.send_text(anna, "The left one", reply_to=relayed)
        back = await emulator.wait_for_message(staff_group, contains="The left one")
        emulator.send_text(official, "Thanks", chat=staff_group, reply_to=back)
        await emulator.wait_for_message(anna, contains="Thanks")
        await press(emulator, official, card, "✅ Решено")
        prompt = await emulator.wait_for_message(staff_group, contains="как решено")
        emulator.send_text(official, "Patched", chat=staff_group, reply_to=prompt)
        resolved = await emulator.wait_for_message(anna, contains="Is it fixed?")
        emulator.click_button(anna, resolved, "👍 Yes, it is fixed")
        await emulator.wait_for_message(staff_group, contains="подтверждает")
