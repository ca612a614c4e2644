"""The second held-out set (data/unseen): written apart from training, and kept out of it."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from citybot.nlu import CATEGORIES, INTENTS, dataset
from citybot.nlu.contract import LANGUAGES
from citybot.nlu.text import normalize, translit

UNSEEN = dataset.load_unseen()
TRAIN = dataset.load_train()
_NOT_A_LETTER = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """The text as compared: lower case, ё as е, Latin letters, no punctuation or emoji."""
    return _NOT_A_LETTER.sub(" ", translit(normalize(text))).strip()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unseen_set_is_big_and_covers_everything(lang: str) -> None:
    examples = UNSEEN.by_lang(lang)
    assert len(examples) >= 150
    assert {ex.intent for ex in examples} == set(INTENTS)
    counts = Counter(ex.category for ex in examples if ex.category)
    assert set(counts) == set(CATEGORIES)
    assert min(counts.values()) >= 8, counts


def test_unseen_set_is_not_in_training() -> None:
    training = {_key(ex.text) for ex in TRAIN.examples}
    assert [ex.text for ex in UNSEEN.examples if _key(ex.text) in training] == []


def test_unseen_set_is_not_in_the_other_held_out_split() -> None:
    split = {_key(ex.text) for ex in dataset.load_test().examples}
    assert [ex.text for ex in UNSEEN.examples if _key(ex.text) in split] == []


def test_training_never_reads_the_unseen_set() -> None:
    files = dataset.yaml_files([dataset.TRAIN_DIR])
    assert not any(dataset.UNSEEN_DIR in path.parents for path in files)
    assert dataset.UNSEEN_DIR not in dataset.TRAIN_DIR.parents
