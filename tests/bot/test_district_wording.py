"""A district's name is written as the city configured it, never with "district" added
("Central District district", "район Центральный район") — in any wording (issue #19)."""

from __future__ import annotations

import re

import pytest

from citybot.i18n import LANGUAGES, Translator, message_ids

WORD = {"en": re.compile(r"\bdistrict\b", re.I), "ru": re.compile(r"\bрайон\b", re.I)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_district_name_is_doubled(lang: str, city_config) -> None:
    texts = Translator()(lang)
    for district in city_config.city.districts:
        name = district.name.get(lang)
        for key in sorted(message_ids(lang)):
            try:
                text = texts(key, district=name, districts=name, number=1, department="Roads",
                             hours=3, due="today", count=1, period="this week", topics="news")
            except Exception:  # a message with other arguments: rendered below if it has these
                continue
            if name not in text:
                continue
            assert len(WORD[lang].findall(text)) == len(WORD[lang].findall(name)), (key, text)


def test_the_confirmation_names_the_district_once(city_config) -> None:
    translator = Translator()
    for lang in LANGUAGES:
        for district in city_config.city.districts:
            name = district.name.get(lang)
            text = translator(lang)("report-created", number=2, department="Roads",
                                    district=name, hours=72, due="Friday")
            assert text.count(name) == 1
            assert len(WORD[lang].findall(text)) == len(WORD[lang].findall(name)), text
