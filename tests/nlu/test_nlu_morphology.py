"""pymorphy3 over memory-mapped dictionaries analyses every word as pymorphy3 itself does."""

import re
from pathlib import Path

import pymorphy3

from citybot.nlu import morphology

DATA = Path(__file__).resolve().parents[2] / "citybot" / "nlu" / "data"
# words of no dictionary: the analyzer guesses them from their endings (the suffix DAWGs)
MADE_UP = ["мусорогрызка", "самокатище", "перевыгрузили", "ямищ", "троллейбусик", "кракозябра"]


def russian_words() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(DATA.rglob("*.yml")))
    return sorted(set(re.findall(r"[а-яё]+", text.lower())))


def analyses(analyzer, word: str) -> list[tuple]:
    return [(p.word, str(p.tag), p.normal_form, p.score) for p in analyzer.parse(word)]


def test_mapped_dictionaries_give_the_same_analyses() -> None:
    words = russian_words() + MADE_UP
    assert len(words) > 1000
    plain = pymorphy3.MorphAnalyzer(lang="ru")
    mapped = morphology.analyzer()
    for word in words:
        assert analyses(mapped, word) == analyses(plain, word), word


def test_the_dictionaries_are_mapped_not_read() -> None:
    mapped = morphology.analyzer()
    units = mapped.dictionary.words.dct._units
    assert isinstance(units, memoryview) and units.nbytes > 1_000_000
