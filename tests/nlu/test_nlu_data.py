"""The training data: Rasa 3 YAML, enough of it, entities in place, a separate held-out split."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from citybot.nlu import CATEGORIES, ENTITY_TYPES, INTENTS, dataset
from citybot.nlu.contract import LANGUAGES, REPORT
from citybot.nlu.text import normalize

ROOT = dataset.DATA_DIR.parent.parent.parent
TRAIN = dataset.load_train()
TEST = dataset.load_test()


def _counts(data: dataset.Dataset) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for ex in data.examples:
        counts[ex.lang, ex.intent] += 1
        if ex.category:
            counts[ex.lang, f"{REPORT}/{ex.category}"] += 1
    return counts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_enough_training_examples(lang: str) -> None:
    counts = _counts(TRAIN)
    for intent in INTENTS:
        assert counts[lang, intent] >= 60, (lang, intent)
    for category in CATEGORIES:
        assert counts[lang, f"{REPORT}/{category}"] >= 40, (lang, category)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_held_out_split_covers_everything(lang: str) -> None:
    counts = _counts(TEST)
    for intent in INTENTS:
        assert counts[lang, intent] >= 15, (lang, intent)
    for category in CATEGORIES:
        assert counts[lang, f"{REPORT}/{category}"] >= 5, (lang, category)


def test_held_out_split_is_not_in_training() -> None:
    seen = {normalize(ex.text) for ex in TRAIN.examples}
    assert [ex.text for ex in TEST.examples if normalize(ex.text) in seen] == []


def test_no_duplicates_within_a_language() -> None:
    counts = Counter((ex.lang, normalize(ex.text)) for ex in TRAIN.examples)
    # a few one-symbol messages ("👋", "/start") legitimately repeat across files
    assert [k for k, n in counts.items() if n > 1 and len(k[1]) > 8] == []


@pytest.mark.parametrize(
    "path", dataset.yaml_files([dataset.TRAIN_DIR, dataset.TEST_DIR, dataset.UNSEEN_DIR]),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_files_are_rasa_3_yaml(path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["version"] == "3.1"
    assert set(doc) <= {"version", "nlu", "responses"}
    for item in doc.get("nlu") or []:
        keys = set(item) - {"examples", "metadata"}
        assert len(keys) == 1 and keys <= {"intent", "lookup", "synonym", "regex"}, item.keys()
        assert isinstance(item["examples"], str)
        for line in item["examples"].splitlines():
            assert line.startswith("- "), f"{path.name}: {line!r}"  # Rasa skips other lines


def test_entities_are_annotated_and_aligned() -> None:
    kinds = Counter()
    for ex in TRAIN.examples + TEST.examples:
        for span in ex.entities:
            kinds[span.entity] += 1
            assert span.entity in ENTITY_TYPES, span
            surface = ex.text[span.start : span.end]
            assert surface == surface.strip() and surface, (ex.text, span)
            if span.entity not in ("route", "report_number"):
                assert span.value == surface
    assert all(kinds[kind] >= 10 for kind in ENTITY_TYPES), kinds


def test_retrieval_intents_have_responses() -> None:
    doc = yaml.safe_load((dataset.TRAIN_DIR / "responses.yml").read_text(encoding="utf-8"))
    assert set(doc["responses"]) == {f"utter_{REPORT}/{c}" for c in CATEGORIES}


def test_lookups_cover_the_knowledge_base() -> None:
    stops = {normalize(s) for s in TRAIN.lookups["stop"]}
    transport = yaml.safe_load((ROOT / "knowledge" / "transport.yml").read_text())
    for stop in transport["stops"].values():
        assert normalize(stop["en"]) in stops and normalize(stop["ru"]) in stops
    waste = {normalize(w) for w in TRAIN.lookups["waste_item"]}
    guide = yaml.safe_load((ROOT / "knowledge" / "waste.yml").read_text())
    for item in guide["items"]:
        assert normalize(item["en"][0]) in waste and normalize(item["ru"][0]) in waste


def test_parse_annotated_forms() -> None:
    text, spans = dataset.parse_annotated(
        'bus [12a](route:12A) to [Zoo](stop) #[7]{"entity": "report_number", "value": "7"}'
    )
    assert text == "bus 12a to Zoo #7"
    assert [(s.entity, s.value, text[s.start : s.end]) for s in spans] == [
        ("route", "12A", "12a"),
        ("stop", "Zoo", "Zoo"),
        ("report_number", "7", "7"),
    ]


def test_bad_data_is_refused(tmp_path) -> None:
    bad = tmp_path / "en" / "bad.yml"
    bad.parent.mkdir()
    bad.write_text('version: "3.1"\nnlu:\n- intent: report_problem\n  examples: |\n    - x\n')
    with pytest.raises(dataset.DataError, match="needs a category"):
        dataset.load([bad])
    bad.write_text('version: "3.1"\nnlu:\n- intent: chitchat\n  examples: |\n    - x\n')
    with pytest.raises(dataset.DataError, match="unknown intent"):
        dataset.load([bad])


def test_no_stray_bracket_pairs() -> None:
    # "[x](y)" is an entity in Rasa: a text must not contain one by accident
    pattern = re.compile(r"\[[^\]]*\]\(")
    for ex in TRAIN.examples + TEST.examples:
        assert not pattern.search(ex.text), ex.text
