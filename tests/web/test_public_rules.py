"""What is public (citybot.services.public): masking in English and Russian, hiding and
publishing, the filters, and the statistics on known data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citybot.services import public
from citybot.services.workflow import Actor, Refused
from citybot.storage.database import make_engine, make_sessionmaker, upgrade
from citybot.storage.models import EventKind, Report, ReportEvent, Resident


@pytest.mark.parametrize("text, expected", [
    ("Call me at +7 (912) 345-67-89 please", "Call me at *** please"),
    ("звоните 8 912 345 67 89 вечером", "звоните *** вечером"),
    ("тел. 8-912-345-67-89", "тел. ***"),
    ("+79123456789", "***"),
    ("my number is (555) 123-4567.", "my number is ***."),
    ("555-123-4567 or +1 555 123 4567", "*** or ***"),
    ("write to ivan.petrov+city@mail.example.ru today", "write to *** today"),
    ("пишите на почту иван@почта.рф", "пишите на почту ***"),
    ("card 4276 1234 5678 9012 found", "card *** found"),
    ("паспорт 4510 123456 потерян", "паспорт *** потерян"),
    ("договор №12345678", "договор №***"),
])
def test_masking_hides_phones_emails_and_long_numbers(text: str, expected: str) -> None:
    assert public.mask(text) == expected


@pytest.mark.parametrize("text", [
    "Pothole at Sadovaya 12, about 30 cm wide, 2 lanes",
    "С 12.11.2024 не горит фонарь у дома 5, кв. 17",
    "Broken since 2024-11-12, bus 105 stop",
    "Ремонт обещали в 2019-2024 годах",
    "",
])
def test_masking_leaves_ordinary_text_alone(text: str) -> None:
    assert public.mask(text) == text


def test_masking_hides_the_reporters_name() -> None:
    assert public.mask("Anna here, the lamp by Annaberg street", ("Anna",)) == \
        "*** here, the lamp by Annaberg street"
    assert public.mask("Спасибо, анастасия! Починили.", ("Анастасия",)) == "Спасибо, ***! Починили."


def test_public_text_prefers_the_officials_replacement() -> None:
    report = Report(reporter_id=1, category="roads", department="roads",
                    description="Yama, call 89123456789")
    assert public.public_text(report) == "Yama, call ***"
    report.public_text = "A pothole on the road"
    assert public.public_text(report) == "A pothole on the road"


def at(days: float, hours: float = 0) -> datetime:
    return datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(days=days, hours=hours)


def test_statistics_on_known_data() -> None:
    now = at(14)  # Monday 16 November 2026, 09:00
    rows = [
        # roads: resolved in 10 h (on time), 50 h (late), 30 h (on time); one open and overdue
        public.StatRow("roads", "roads", "resolved", at(0), at(0, 10), at(2)),
        public.StatRow("roads", "roads", "resolved", at(1), at(1, 50), at(2)),
        public.StatRow("roads", "snow", "resolved", at(7), at(7, 30), at(9)),
        public.StatRow("roads", "roads", "new", at(8), None, at(10)),
        # lighting: in progress, due tomorrow; rejected (not counted as resolved)
        public.StatRow("lighting", "lighting", "in_progress", at(13), None, at(15)),
        public.StatRow("lighting", "lighting", "rejected", at(12), at(12, 1), at(14)),
    ]
    stats = public.compute_statistics(rows, now=now, weeks=3)
    roads = next(f for f in stats.departments if f.key == "roads")
    assert (roads.reports_in, roads.resolved, roads.open_now, roads.overdue_now) == (4, 3, 1, 1)
    assert roads.median_hours == 30
    assert roads.p90_hours == pytest.approx(46)  # 30 + 0.8 × (50 − 30)
    assert roads.sla_share == pytest.approx(2 / 3)
    lighting = next(f for f in stats.departments if f.key == "lighting")
    assert (lighting.reports_in, lighting.resolved, lighting.open_now,
            lighting.overdue_now) == (2, 0, 1, 0)
    assert lighting.median_hours is None and lighting.sla_share is None
    assert stats.city.reports_in == 6 and stats.city.resolved == 3
    assert [f.key for f in stats.categories] == ["lighting", "roads", "snow"]
    # weeks starting 2, 9 and 16 November: filed and resolved
    assert [(w.day, filed, fixed) for w, filed, fixed in stats.weeks] == [
        (2, 2, 2), (9, 4, 1), (16, 0, 0)]
    assert dict(stats.resolution_buckets) == {"day": 1, "3days": 2, "week": 0, "2weeks": 0,
                                              "month": 0, "longer": 0}


def test_filters_from_a_query_ignore_what_they_do_not_know(city_config) -> None:
    now = at(30)
    filters = public.parse_filters({"category": "roads", "status": "open", "district": "nowhere",
                                    "period": "week", "since": "garbage"}, city_config, now=now)
    assert filters == public.Filters(category="roads", status="open", since=now - timedelta(7))
    assert public.parse_filters({"since": "2026-01-05"}, city_config).since == \
        datetime(2026, 1, 5, tzinfo=UTC)
    assert public.parse_filters({"category": "<script>"}, city_config).empty


async def test_hide_and_publish_are_events_and_hidden_reports_vanish(any_database_url,
                                                                    city_config) -> None:
    upgrade(any_database_url)
    engine = make_engine(any_database_url)
    sessions = make_sessionmaker(engine)
    official = Actor(kind="staff", telegram_id=42, name="Olga")
    try:
        async with sessions() as session:
            resident = Resident(telegram_id=1001, first_name="Zinaida")
            session.add(resident)
            await session.flush()
            for n, text in enumerate(("Pothole", "Dark lamp")):
                session.add(Report(reporter_id=resident.id, category="roads", department="roads",
                                   description=text, latitude=56.9 + n / 100, longitude=39.6,
                                   created_at=at(n, 0.5), updated_at=at(n, 0.5)))
            await session.commit()
            first = await session.get(Report, 1)
            await public.hide(session=session, report=first, actor=official)
            with pytest.raises(Refused):
                await public.hide(session=session, report=first, actor=official)
            await session.commit()
            everything = public.Filters()
            assert await public.public_report(session=session, number=1) is None
            assert json.loads(await public.map_data(session=session, config=city_config,
                                                    filters=everything))["r"][0] == 2
            index = public.MapIndex(compact=public.Compact(city_config))
            assert await index.refresh(session=session)
            assert json.loads(index.document())["r"][0] == 2
            assert not await index.refresh(session=session)
            assert [r.id for r in await public.latest(session=session, filters=everything)] == [2]
            pages = [p async for p in public.export_rows(session=session, filters=everything)]
            assert [row[0] for page in pages for row in page] == [2]
            assert pages[0][0][9:] == ("2026-11-03T09:30:00+00:00", None, None)  # UTC, ISO
            assert (await public.statistics(session=session, now=at(30))).city.reports_in == 1

            # ... and from the residents' digests
            from citybot.services.digests import Period, city_news

            weekly = next(d for d in city_config.digests if d.name == "weekly")
            news = await city_news(session=session, digest=weekly, period=Period(
                key="k", start=at(-1), end=at(5)))
            assert [r.id for r in news.new] == [2]

            await public.publish(session=session, report=first, actor=official,
                                 text="  A pothole  ")
            await session.commit()
            assert await index.refresh(session=session)  # the hidden one is back
            assert [json.loads(index.document())["r"][i] for i in (0, 5)] == [1, 2]
            assert len(json.loads(index.document(public.Filters(category="roads")))["r"]) == 10
            assert json.loads(index.document(public.Filters(category="lighting")))["r"] == []
            assert len(json.loads(index.document(public.Filters(status="open")))["r"]) == 10
            assert json.loads(index.document(public.Filters(status="resolved")))["r"] == []
            shown = await public.public_report(session=session, number=1)
            assert shown is not None and public.public_text(shown) == "A pothole"
            second = await session.get(Report, 2)
            with pytest.raises(Refused):
                await public.publish(session=session, report=second, actor=official)
            events = (await session.exec(
                ReportEvent.__table__.select().where(ReportEvent.report_id == 1))).all()
            assert [e.kind for e in events] == [EventKind.hidden, EventKind.published]
            assert events[1].note == "A pothole" and events[0].actor_name == "Olga"
    finally:
        await engine.dispose()


def test_no_message_is_defined_twice() -> None:
    """Fluent keeps one of two messages with the same id: the site's wording must not shadow
    the bot's (or the other way round)."""
    import re as regex
    from collections import Counter

    from citybot.i18n import LOCALES_DIR

    for lang in ("en", "ru"):
        ids = Counter(found for path in (LOCALES_DIR / lang).glob("*.ftl")
                      for found in regex.findall(r"(?m)^([a-z][\w-]*) =",
                                                 path.read_text(encoding="utf-8")))
        assert [key for key, n in ids.items() if n > 1] == [], lang


@pytest.mark.parametrize("header, lang", [
    ("en-GB,en;q=0.9,ru;q=0.8", "en"), ("ru-RU,ru;q=0.9,en;q=0.8", "ru"), ("en, ru", "en"),
    ("de-DE,de;q=0.9", "ru"), ("fr;q=0.9, ru;q=0", "ru"), ("", "ru"), ("en;q=garbage", "ru"),
])
def test_the_page_language_follows_accept_language(header: str, lang: str) -> None:
    from aiohttp.test_utils import make_mocked_request

    from citybot.web.public import choose_language

    request = make_mocked_request("GET", "/", headers={"Accept-Language": header})
    assert choose_language(request, "ru") == lang
    assert choose_language(make_mocked_request("GET", "/?lang=en", headers={
        "Accept-Language": header}), "ru") == "en"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789 ().-+abю\n_", max_size=40))
def test_the_quick_look_for_numbers_misses_none(text: str) -> None:
    """mask looks for something number-like first, and only then for what DIGITS masks:
    whatever the text, the result is DIGITS's."""
    from citybot.services import public

    assert public.mask(text) == public.DIGITS.sub(public._digits, text)
