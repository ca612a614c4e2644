"""Residents' proposals on the public site, over real HTTP: a named resident's proposal through
its life (waiting for moderation: not found; published: listed with its supports; at the
threshold; answered: the city's answer shown; closed), a rejected one never shown, the
list's order, district and status filters and pages, both languages, and nowhere the author's
name, Telegram id or username, nor the moderators' reason."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import aiohttp
import pytest

from citybot.config import Proposals
from citybot.dialogs.callbacks import IdeaAction, IdeaStaffAction
from citybot.services import proposals, public
from citybot.services.pacing import Pacer
from citybot.storage.models import Proposal, utcnow
from citybot.testing import is_idea_card, propose, running_bot

PHONE = "+7 (912) 345-67-89"
REASON = "Moderators' reason: there is such a fountain already"


@pytest.fixture
def ideas_config(city_config):
    return city_config.model_copy(update={"proposals": Proposals(
        threshold=2, window_days=90, department="parks", answer_days=30)})


async def fetch(base: str, path: str, **headers: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(base + path,
                                                             headers=headers) as response:
        return response.status, await response.text()


async def press(emulator, user, message, data: str) -> dict:
    return await emulator.wait_for_callback_answer(emulator.click(user, message, data))


async def moderate(emulator, official, staff_group, number: int, reason: str = "") -> None:
    """An official approves proposal `number` on its card, or rejects it with `reason`."""
    card = await emulator.wait_for_message(staff_group, predicate=is_idea_card(number))
    action = "reject" if reason else "approve"
    await press(emulator, official, card, IdeaStaffAction(action=action, proposal=number).pack())
    if reason:
        prompt = await emulator.wait_for_message(staff_group, contains="причиной")
        emulator.send_text(official, reason, chat=staff_group, reply_to=prompt)
        await emulator.wait_for_edit(card, contains="Отклонил(а)")


async def support(emulator, user, number: int) -> None:
    emulator.send_text(user, f"/start idea_{number}")
    shown = await emulator.wait_for_message(user, contains=f"idea_{number}")
    await press(emulator, user, shown, IdeaAction(action="support", proposal=number).pack())


def position(page: str, number: int) -> int:
    """Where the link to proposal `number` is in the page (-1: not there)."""
    return page.find(f'href="/ideas/{number}"')


async def test_a_proposal_on_the_public_site(emulator, any_database_url, ideas_config, staff_group,
                                             official, monkeypatch) -> None:
    anastasia = emulator.add_user("Anastasia", last_name="Vorontsova", language_code="ru",
                                  username="vorontsova_a", id=7_780_001)
    bart = emulator.add_user("Bartholomew", last_name="Quince", language_code="en",
                             username="bquince", id=7_780_002)
    vera = emulator.add_user("Vera", language_code="en")
    pages: list[str] = []  # every page served, searched for the residents' names at the end
    async with running_bot(api_url=emulator.url, token=emulator.token,
                           database_url=any_database_url, config=ideas_config,
                           staff_chat_id=staff_group.id, web_listen="127.0.0.1:0") as bot:
        bot.courier.pacer = Pacer(per_chat_interval=0.02, per_group_per_minute=10_000)
        base = f"http://127.0.0.1:{bot.web_port}"

        async def get(path: str, expected: int = 200, **headers: str) -> str:
            status, page = await fetch(base, path, **headers)
            assert status == expected, (path, status)
            pages.append(page)
            return page

        benches = await propose(emulator, anastasia, "Benches on Sadovaya for Anastasia",
                                f"Anastasia here: put benches along Sadovaya, call me {PHONE}.")
        # waiting for moderation: not on the site
        page = await get(f"/ideas/{benches}?lang=en", 404)
        assert f"There is no published idea idea_{benches}" in page and 'href="/ideas"' in page
        assert "Опубликованной идеи" in await get(f"/ideas/{benches}?lang=ru", 404)
        assert position(await get("/ideas"), benches) == -1

        await moderate(emulator, official, staff_group, benches)
        await emulator.wait_for_message(anastasia, contains="опубликовано")
        page = await get("/ideas?lang=en")
        assert position(page, benches) >= 0 and "1 idea" in page
        assert "Benches on Sadovaya for ***" in page and "0 of 2 supports" in page
        assert "Open for support until" in page and 'href="/ideas">Ideas</a>' in page
        page = await get(f"/ideas/{benches}", **{"Accept-Language": "ru-RU,ru;q=0.9"})
        assert "*** here: put benches along Sadovaya, call me ***." in page and PHONE not in page
        assert "0 из 2 голосов поддержки" in page and "Поддержать можно до" in page
        assert f'href="https://t.me/{emulator.bot.username}?start=idea_{benches}"' in page
        assert "Поддержать в Telegram" in page and ">Идеи</a>" in page

        # a second one, in another district; a rejected third is never shown
        lane = await propose(emulator, bart, "Bike lane along the river",
                             "A bike lane from the bridge to the park, please.", district=1)
        await moderate(emulator, official, staff_group, lane)
        fountain = await propose(emulator, anastasia, "A fountain on the square",
                                 "Build a big fountain on the central square.")
        await moderate(emulator, official, staff_group, fountain, reason=REASON)
        await emulator.wait_for_message(anastasia, contains="Moderators' reason")
        await get(f"/ideas/{fountain}", 404)
        await support(emulator, bart, benches)

        # newest first, or the most supported; by district
        page = await get("/ideas?lang=en")
        assert 0 <= position(page, lane) < position(page, benches) and "2 ideas" in page
        assert position(page, fountain) == -1
        page = await get("/ideas?lang=en&sort=top")
        assert 0 <= position(page, benches) < position(page, lane)
        assert "1 of 2 supports" in page
        page = await get("/ideas?lang=en&district=sloboda")
        assert position(page, lane) >= 0 and position(page, benches) == -1
        page = await get("/ideas?lang=ru&district=central")
        assert position(page, benches) >= 0 and position(page, lane) == -1 and "1 идея" in page

        # a page at a time
        monkeypatch.setattr(public, "IDEAS_PER_PAGE", 1)
        page = await get("/ideas?lang=en&sort=top")
        assert position(page, benches) >= 0 and position(page, lane) == -1
        assert "Page 1 of 2" in page and 'href="/ideas?sort=top&amp;page=2"' in page
        page = await get("/ideas?lang=en&sort=top&page=2")
        assert position(page, lane) >= 0 and position(page, benches) == -1
        assert 'rel="prev" href="/ideas?sort=top"' in page
        monkeypatch.undo()

        # the threshold: the city must answer
        await support(emulator, vera, benches)
        await emulator.wait_for_message(anastasia, contains="передано городу")
        page = await get(f"/ideas/{benches}?lang=en")
        assert "2 of 2 supports" in page and "Reached the threshold: the city answers by" in page
        assert "Open in Telegram" in page and "Support in Telegram" not in page
        page = await get("/ideas?lang=en&show=threshold")
        assert position(page, benches) >= 0 and position(page, lane) == -1

        # the department answers (planned, with a date): the answer is on the page
        card = await emulator.wait_for_message(
            staff_group, predicate=lambda m: "набрало 2 голосов" in (m.get("text") or ""))
        await press(emulator, official, card,
                    IdeaStaffAction(action="planned", proposal=benches).pack())
        prompt = await emulator.wait_for_message(staff_group, contains="2027-05-01")
        emulator.send_text(official, "2027-06-15 Anastasia, the benches go in with the summer "
                           "works", chat=staff_group, reply_to=prompt)
        await emulator.wait_for_message(anastasia, contains="summer works")
        page = await get(f"/ideas/{benches}?lang=en")
        assert "The city plans it for 15 Jun 2027." in page and "The city's answer: planned" in page
        assert "<p>***, the benches go in with the summer works</p>" in page
        assert "2027-06-15" not in page  # the date is shown apart
        page = await get(f"/ideas/{benches}?lang=ru")
        assert "Ответ города: запланировано" in page and "15 июн. 2027" in page
        page = await get("/ideas?lang=en&show=answered")
        assert position(page, benches) >= 0 and "The city plans it for" in page

        # the bike lane's window ends: closed, listed only with the closed ones
        assert await proposals.expire_due(bot.runtime, now=utcnow() + timedelta(days=91)) == 1
        assert position(await get("/ideas"), lane) == -1
        page = await get("/ideas?lang=en&show=closed")
        assert position(page, lane) >= 0 and position(page, benches) == -1
        page = await get(f"/ideas/{lane}?lang=en")
        assert "Closed: it did not reach the threshold in time." in page

        # numbers that are no proposal, filters that mean nothing: the site's own answers
        for path in ("abc", "0", "-1", "99999999999999999999", "²", "1e3", f"{benches}.0"):
            assert "idea_" in await get(f"/ideas/{path}?lang=en", 404), path
        page = await get("/ideas?lang=en&page=abc&sort=worst&district=atlantis&show=all")
        assert position(page, benches) >= 0 and position(page, lane) == -1
        page = await get("/ideas?lang=en&page=99999999999")
        assert "No ideas match these filters." in page

    # nothing public names a resident or tells the moderators' reason
    for secret in ("Anastasia", "Vorontsova", "vorontsova_a", "7780001", "Bartholomew",
                   "Quince", "bquince", "7780002", "Vera", REASON):
        for page in pages:
            assert secret not in page, secret


# ---- the rules, without the bot -------------------------------------------------------------

def proposal(**values) -> Proposal:
    now = utcnow()
    fields = {"id": 7, "key": "k", "author_id": 1, "title": "Benches for Anna",
              "description": "Anna asks: call +7 912 345 67 89", "district": "central",
              "status": "published", "supports": 3, "photo_file_id": "AgACAgIAAxkB",
              "reject_reason": "internal", "published_at": now,
              "deadline_at": now + timedelta(days=5)}
    return Proposal(**(fields | values))


def test_what_the_public_sees_of_a_proposal() -> None:
    seen = public.public_proposal_of(proposal(), ("Anna",))
    assert (seen.title, seen.description) == ("Benches for ***", "*** asks: call ***")
    assert seen.status == "published" and seen.has_photo and seen.supports == 3
    kept = {f.name for f in dataclasses.fields(seen)}
    assert not kept & {"author_id", "key", "photo_file_id", "reject_reason", "department"}
    # its window is over, the hourly job has not closed it yet: shown closed
    late = public.public_proposal_of(proposal(deadline_at=utcnow() - timedelta(minutes=1)))
    assert late.status == "expired"
    # a planned answer: its date apart, the rest masked
    planned = public.public_proposal_of(proposal(
        status="answered", answer="planned", answer_note="2027-05-01\nAnna, in May. Call 8 912 "
        "345 67 89"), ("Anna",))
    assert planned.planned_for == date(2027, 5, 1)
    assert planned.answer_note == "***, in May. Call ***"
    rejected = public.public_proposal_of(proposal(
        status="answered", answer="rejected", answer_note="No money this year, Anna"), ("Anna",))
    assert rejected.planned_for is None and rejected.answer_note == "No money this year, ***"


@pytest.mark.parametrize("query, expected", [
    ({}, public.IdeaFilters()),
    ({"sort": "top", "district": "sloboda", "show": "closed", "page": "3"},
     public.IdeaFilters(sort="top", district="sloboda", shown="closed", page=2)),
    ({"sort": "worst", "district": "atlantis", "show": "pending", "page": "abc"},
     public.IdeaFilters()),
    ({"show": "rejected", "page": "0"}, public.IdeaFilters()),
    ({"page": "²"}, public.IdeaFilters()),
    ({"page": "9" * 5000}, public.IdeaFilters(page=public.MAX_IDEAS_PAGE - 1)),
])
def test_the_list_filters_ignore_what_they_do_not_know(city_config, query, expected) -> None:
    assert public.parse_idea_filters(query, city_config) == expected
