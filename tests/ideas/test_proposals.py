"""A proposal's life through the emulator, in English and Russian: proposed, moderated,
published, shared, supported (once, withdrawable), sent to its department at the threshold,
answered (the author and every supporter told); or closed when its window ends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from citybot.dialogs.callbacks import IdeaAction, IdeaStaffAction
from citybot.services import digests, proposals
from citybot.services.broadcasts import digest_period, find_digest
from citybot.storage.models import Proposal, ProposalSupport, Resident, Subscription, utcnow
from citybot.testing import button_texts, count_rows, is_idea_card, propose

from .conftest import texts_of


async def press(emulator, user, message, data: str) -> dict:
    return await emulator.wait_for_callback_answer(emulator.click(user, message, data))


async def test_a_proposal_from_idea_to_the_citys_answer(emulator, citybot, staff_group,
                                                        official) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    boris = emulator.add_user("Борис", language_code="ru")
    vera = emulator.add_user("Vera", language_code="en")
    en, ru = texts_of(citybot, "en"), texts_of(citybot, "ru")
    number = await propose(emulator, anna, "Benches on Sadovaya",
                           "Put benches along Sadovaya street for the elderly to rest.")

    # moderation, in the "Proposals" topic created for it
    card = await emulator.wait_for_message(staff_group, predicate=is_idea_card(number))
    assert card["message_thread_id"] == emulator.topic_id(staff_group, ru("proposals-topic-name"))
    assert button_texts(card) == [ru("idea-button-approve"), ru("idea-button-reject")]
    # nobody sees or supports it before it is published (forged button data)
    emulator.send_text(boris, f"/start idea_{number}")
    assert (await emulator.wait_for_message(boris))["text"] == ru("idea-not-found")
    answer = await press(emulator, boris, emulator.messages(boris)[-1],
                         IdeaAction(action="support", proposal=number).pack())
    assert answer["text"] == ru("idea-not-found")
    await press(emulator, official, card, IdeaStaffAction(action="approve",
                                                          proposal=number).pack())
    await press(emulator, official, card, IdeaStaffAction(action="approve",
                                                          proposal=number).pack())  # twice
    published = await emulator.wait_for_message(anna, contains="published")
    assert f"t.me/{emulator.bot.username}?start=idea_{number}" in published["text"]
    await emulator.assert_no_message(anna, within=0.2)  # told once

    # the deep link opens it with its Support button; a support counts once
    emulator.send_text(boris, f"/start idea_{number}")
    shown = await emulator.wait_for_message(boris, contains="Benches")
    assert button_texts(shown) == [ru("idea-button-support")]
    support = IdeaAction(action="support", proposal=number).pack()
    first, second = emulator.click(boris, shown, support), emulator.click(boris, shown, support)
    answers = {(await emulator.wait_for_callback_answer(q))["text"] for q in (first, second)}
    assert answers == {ru("idea-supported"), ru("idea-already-supported")}
    assert await count_rows(citybot.runtime, ProposalSupport) == 1
    answer = await press(emulator, boris, shown, IdeaAction(action="withdraw",
                                                            proposal=number).pack())
    assert answer["text"] == ru("idea-withdrawn")
    assert await count_rows(citybot.runtime, ProposalSupport) == 0
    assert (await press(emulator, boris, shown, support))["text"] == ru("idea-supported")

    # /ideas lists it; the second support reaches the threshold: the department's card
    emulator.send_text(vera, "/ideas")
    listing = await emulator.wait_for_message(vera)
    assert "Benches on Sadovaya" in " ".join(button_texts(listing))
    await press(emulator, vera, listing, IdeaAction(action="open", proposal=number).pack())
    opened = await emulator.wait_for_message(vera, contains="Benches")
    assert (await press(emulator, vera, opened, support))["text"] == en("idea-supported")
    await emulator.wait_for_message(anna, contains="went to the city")
    department_card = await emulator.wait_for_message(
        staff_group, predicate=lambda m: "набрало 2 голосов" in (m.get("text") or ""))
    parks = citybot.runtime.config.department("parks").name.get("ru")
    assert department_card["message_thread_id"] == emulator.topic_id(staff_group, parks)
    # a closed proposal takes no more supports
    late = emulator.add_user("Late", language_code="en")
    emulator.send_text(late, "/start")
    await emulator.wait_for_message(late)
    assert (await press(emulator, late, emulator.messages(late)[-1], support))["text"] == \
        en("idea-closed")

    # not answered within the department's time: its card comes again, once
    assert await proposals.remind_overdue(citybot.runtime, now=utcnow() + timedelta(days=29)) == 0
    assert await proposals.remind_overdue(citybot.runtime, now=utcnow() + timedelta(days=31)) == 1
    assert await proposals.remind_overdue(citybot.runtime, now=utcnow() + timedelta(days=32)) == 0
    await emulator.wait_for_message(staff_group, contains="Просрочено")

    # the department answers: planned needs a date; the author and the supporters are told
    await press(emulator, official, department_card,
                IdeaStaffAction(action="planned", proposal=number).pack())
    prompt = await emulator.wait_for_message(staff_group, contains="2027-05-01")
    emulator.send_text(official, "In the spring", chat=staff_group, reply_to=prompt)
    assert (await emulator.wait_for_message(staff_group))["text"] == \
        ru("idea-answer-needs-date")  # posted in the group: the group's language
    emulator.send_text(official, "2027-05-01 Benches go in with the spring works",
                       chat=staff_group, reply_to=prompt)
    await emulator.wait_for_message(staff_group, contains="Готово")
    for person, lang in ((anna, "en"), (boris, "ru"), (vera, "en")):
        told = await emulator.wait_for_message(person, contains="spring works")
        assert texts_of(citybot, lang)("idea-decision-planned") in told["text"]
    await emulator.assert_no_message(anna, within=0.2)


async def test_a_rejected_proposal_and_one_that_expires(emulator, citybot, staff_group,
                                                       official) -> None:
    boris = emulator.add_user("Борис", language_code="ru")
    ru = texts_of(citybot, "ru")
    rejected = await propose(emulator, boris, "Фонтан на площади",
                             "Построить большой фонтан на центральной площади.")
    card = await emulator.wait_for_message(staff_group, predicate=is_idea_card(rejected))
    await press(emulator, official, card, IdeaStaffAction(action="reject",
                                                          proposal=rejected).pack())
    prompt = await emulator.wait_for_message(staff_group, contains="причиной")
    emulator.send_text(official, "There is one already on Lenina square", chat=staff_group,
                       reply_to=prompt)
    told = await emulator.wait_for_message(boris, contains="Lenina")
    assert "Фонтан на площади" in told["text"] and "Причина" in told["text"]
    await emulator.wait_for_edit(card, contains="Отклонил(а) Olga")

    kept = await propose(emulator, boris, "Велодорожка вдоль реки",
                         "Проложить велодорожку вдоль реки от моста до парка.")
    card = await emulator.wait_for_message(staff_group, predicate=is_idea_card(kept))
    await press(emulator, official, card, IdeaStaffAction(action="approve", proposal=kept).pack())
    await emulator.wait_for_message(boris, contains="опубликовано")
    # the residents' digest of the week has it (the "proposals" topic); not the rejected one
    digest = find_digest(citybot.runtime.config, "weekly")
    week = digest_period(citybot.runtime.config, digest, utcnow() + timedelta(days=7))
    async with citybot.runtime.sessions() as session:
        news = await digests.city_news(session=session, period=week, digest=digest)
        resident = (await session.exec(select(Resident).where(
            Resident.telegram_id == boris.id))).one()
    renderer = digests.ResidentDigest(config=citybot.runtime.config,
                                      translator=citybot.runtime.translator, digest=digest,
                                      period=week, news=news)
    text = "\n".join(renderer.render(resident, Subscription(resident_id=resident.id)))
    assert f"idea_{kept} Велодорожка вдоль реки" in text and f"idea_{rejected} " not in text
    assert not renderer.render(resident, Subscription(resident_id=resident.id, proposals=False,
                                                      new_reports=False))
    assert await proposals.expire_due(citybot.runtime, now=utcnow() + timedelta(days=89)) == 0
    assert await proposals.expire_due(citybot.runtime, now=utcnow() + timedelta(days=91)) == 1
    assert await proposals.expire_due(citybot.runtime, now=utcnow() + timedelta(days=92)) == 0
    closed = await emulator.wait_for_message(boris, contains="закрыто")
    assert "0 из 2" in closed["text"]
    async with citybot.runtime.sessions() as session:
        states = dict((await session.exec(select(Proposal.id, Proposal.status))).all())
    assert states == {rejected: "rejected", kept: "expired"}
    assert ru("idea-closed")


async def test_bad_input_gets_a_polite_answer_and_changes_nothing(emulator, citybot,
                                                                 staff_group) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    boris = emulator.add_user("Борис", language_code="ru")
    en, ru = texts_of(citybot, "en"), texts_of(citybot, "ru")
    emulator.send_text(anna, "/propose")
    await emulator.wait_for_message(anna)
    emulator.send_sticker(anna)
    assert (await emulator.wait_for_message(anna))["text"] == en("idea-text-expected")
    emulator.send_text(anna, "x" * 5000)
    assert "5000" in (await emulator.wait_for_message(anna))["text"]
    emulator.send_text(anna, "A good title")
    await emulator.wait_for_message(anna)
    emulator.send_text(anna, "y" * 5000)
    assert (await emulator.wait_for_message(anna))["text"] == en(
        "idea-description-length", min=proposals.MIN_DESCRIPTION, max=proposals.MAX_DESCRIPTION,
        length=5000)
    # a Send button of nothing (no summary waiting), a forged support of no proposal
    emulator.send_text(boris, "/ideas")
    listing = await emulator.wait_for_message(boris)
    assert ru("ideas-empty") in listing["text"]
    answer = await press(emulator, boris, listing, IdeaAction(action="send").pack())
    assert answer["text"] == ru("idea-flow-gone")
    answer = await press(emulator, boris, listing, IdeaAction(action="support",
                                                              proposal=999).pack())
    assert answer["text"] == ru("idea-not-found")
    await asyncio.sleep(0.1)
    assert await count_rows(citybot.runtime, Proposal) == 0
    assert await count_rows(citybot.runtime, ProposalSupport) == 0


async def test_an_idea_in_free_text_starts_a_proposal(emulator, citybot) -> None:
    """The NLU's propose_idea intent, in English and Russian, opens /propose."""
    for name, lang, text in (("Anna", "en", "I propose to put benches along the river embankment"),
                             ("Борис", "ru", "Предлагаю поставить скамейки вдоль набережной")):
        person = emulator.add_user(name, language_code=lang)
        emulator.send_text(person, text)
        asked = await emulator.wait_for_message(person)
        title = texts_of(citybot, lang)("idea-ask-title", min=5, max=120).split("\n")[1]
        assert title in asked["text"]  # "What is your idea? ..." in their language
