"""Calibrated confidence, masking of personal data, Rasa export of learnt examples, and the
running service picking up a new model when asked."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from citybot.nlu import Parse, dataset, load_engine
from citybot.nlu.engine import activate, active_model, reload_requested_at, request_reload
from citybot.nlu.evaluation import evaluate
from citybot.nlu.masking import mask
from citybot.nlu.service import BuiltinNLU


@pytest.fixture(scope="session")
def nlu_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "nlu-cache"  # shared with the other NLU tests


@pytest.fixture(scope="module")
def engine(nlu_cache: Path):
    return load_engine(directory=nlu_cache)


def test_a_report_always_has_a_category_and_its_own_confidence(engine) -> None:
    for text in ("the bins by Lenina 5 were not emptied and the lamp is out",
                 "что-то сломалось во дворе", "yama na doroge u doma 7", "problem"):
        parse = engine.parse(text)
        if parse.intent != "report_problem":
            continue
        assert parse.category is not None
        assert parse.confidence == pytest.approx(
            parse.intent_confidence * parse.category_confidence)
    parse = engine.parse("there is a deep pothole on Mira avenue")
    assert parse.intent == "report_problem" and parse.category == "roads"
    assert parse.sure_of_category == parse.category_confidence


def test_unsure_category_is_chosen_not_confirmed() -> None:
    unsure = Parse("report_problem", 0.4, "roads", [], intent_confidence=0.95,
                   category_confidence=0.42)
    assert not unsure.needs_fallback(0.55)  # it is a report: no menu
    assert not unsure.category_is_confident(0.55)  # but the resident picks the category
    sure = Parse("report_problem", 0.9, "roads", [], intent_confidence=0.95,
                 category_confidence=0.95)
    assert sure.category_is_confident(0.55)
    assert Parse("greet", 0.9).sure_of_category is None
    assert set(unsure.to_dict()) == {"intent", "confidence", "category", "entities"}


def test_confidence_is_calibrated_on_unseen_text(engine) -> None:
    """Few parses say 1.0, and the confident ones are right more often than the unsure."""
    report = evaluate(engine, dataset.load_unseen().examples, min_parses=0).to_dict()
    reliability = report["all"]["reliability"]
    assert reliability["says_one"] <= 0.2
    assert reliability["above"]["accuracy"] > reliability["below"]["accuracy"]
    assert abs(reliability["mean_confidence"] - reliability["accuracy"]) < 0.05
    assert reliability["ece"] < 0.06
    assert report["all"]["out_of_scope_recall"] >= 0.8


def test_masking_keeps_the_problem_and_drops_the_person() -> None:
    text = ("Меня зовут Иван Петров, тел. 8 (912) 345-67-89, ivan.p@mail.ru — "
            "у дома Ленина 15 кв 3 прорвало трубу")
    masked = mask(text, names=["Иван"])
    for personal in ("Иван", "Петров", "345", "ivan.p", "mail.ru", "15"):
        assert personal not in masked
    assert "прорвало трубу" in masked and "Ленина 00" in masked
    assert mask("pothole, regards John Smith") == "pothole, regards NAME"
    assert mask("a leak, call Anna at +7 912 345 67 89", names=["Anna"]) == \
        "a leak, call NAME at PHONE"


def test_learnt_examples_export_as_rasa_yaml_and_read_back(tmp_path: Path) -> None:
    examples = [
        dataset.Example("the oak by the school is rotten", "report_problem", "greenery", "en"),
        dataset.Example("see [this](link) lamp", "report_problem", "lighting", "en"),
        dataset.Example("hello how are you", "out_of_scope", None, "en"),
    ]
    path = tmp_path / "en.yml"
    path.write_text(dataset.to_rasa_yaml(examples, comment="learnt"), encoding="utf-8")
    back = dataset.load([path]).examples
    assert [(e.label, e.lang) for e in back] == [
        ("out_of_scope", "en"), ("report_problem/greenery", "en"),
        ("report_problem/lighting", "en")]
    assert all(not e.entities for e in back)  # a resident's brackets are no annotation


def test_the_active_model_and_a_reload(engine, tmp_path: Path) -> None:
    assert active_model(tmp_path) is None
    model = activate(engine, tmp_path)
    assert active_model(tmp_path) == model
    assert load_engine(directory=tmp_path).info.fingerprint == engine.info.fingerprint

    class Other:
        def parse(self, text, lang=None):
            return Parse("greet", 0.5)

    async def scenario() -> None:
        service = BuiltinNLU(engine, loader=Other, stamp=lambda: reload_requested_at(tmp_path))
        service.RELOAD_CHECK_S = 0.0
        assert (await service.parse("hello")).intent == "greet"
        assert (await service.parse("pothole on Mira 5")).intent == "report_problem"
        request_reload(tmp_path)
        await service.parse("pothole on Mira 5")  # notices the stamp, loads beside
        await asyncio.sleep(0.2)
        assert (await service.parse("pothole on Mira 5")).confidence == 0.5
        await service.close()

    asyncio.run(scenario())
