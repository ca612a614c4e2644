"""`citybot nlu review`, `train --with-reviewed` and `reload`, on a real database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, select

from citybot.cli import main
from citybot.nlu import dataset
from citybot.nlu.engine import active_model, load_engine, reload_requested_at
from citybot.storage.database import make_sync_engine, upgrade
from citybot.storage.models import NluExample


@pytest.fixture(scope="session")
def nlu_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "nlu-cache"  # shared with the other NLU tests


@pytest.fixture
def cache(tmp_path: Path, nlu_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of its own (an active model must not leak into other tests), seeded with the
    package's model so that it is not trained again."""
    load_engine(directory=nlu_cache)
    own = tmp_path / "cache"
    shutil.copytree(nlu_cache, own, ignore=shutil.ignore_patterns("active.json", "reload"))
    monkeypatch.setenv("CITYBOT_NLU_CACHE", str(own))
    return own


@pytest.fixture
def database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    upgrade(sqlite_url)
    return sqlite_url


def add(url: str, *examples: NluExample) -> list[int]:
    engine = make_sync_engine(url)
    try:
        with Session(engine) as session:
            session.add_all(examples)
            session.commit()
            return [e.id for e in examples]
    finally:
        engine.dispose()


def statuses(url: str) -> dict[int, str]:
    engine = make_sync_engine(url)
    try:
        with Session(engine) as session:
            return {e.id: e.status for e in session.exec(select(NluExample)).all()}
    finally:
        engine.dispose()


def example(text: str, intent: str, category: str | None = None, lang: str = "en"):
    return NluExample(text=text, language=lang, intent=intent, category=category,
                      source="category_changed" if category else "not_a_report")


def test_review_lists_accepts_drops_and_exports(database, cache, tmp_path, capsys) -> None:
    ids = add(database, example("the old oak by school 0 is rotten", "report_problem", "greenery"),
              example("ну и погодка сегодня", "out_of_scope", lang="ru"),
              example("lamp out at Mira 00", "report_problem", "lighting"))
    assert main(["nlu", "review", "--list"]) == 0
    out = capsys.readouterr().out
    assert "report_problem/greenery" in out and "ну и погодка" in out and "3 new" in out

    assert main(["nlu", "review", "--accept", str(ids[0]), str(ids[1]), "--drop", "99"]) == 2
    assert set(statuses(database).values()) == {"new"}  # a wrong id changes nothing
    assert "no such example: 99" in capsys.readouterr().err

    exported = tmp_path / "reviewed"
    assert main(["nlu", "review", "--accept", str(ids[0]), str(ids[1]), "--drop", str(ids[2]),
                 "--export", str(exported)]) == 0
    assert statuses(database) == {ids[0]: "accepted", ids[1]: "accepted", ids[2]: "dropped"}
    back = dataset.load([exported]).examples
    assert sorted((e.lang, e.label) for e in back) == [
        ("en", "report_problem/greenery"), ("ru", "out_of_scope")]

    assert main(["nlu", "review"]) == 0  # nothing new: no questions asked
    assert "0 new" in capsys.readouterr().out


def test_train_with_reviewed_keeps_a_model_only_when_not_worse(database, cache, capsys) -> None:
    # officials "teach" that greetings are noise complaints: the held-out sets get worse
    wrong = [example(ex.text, "report_problem", "noise", ex.lang)
             for ex in dataset.load_train().examples if ex.intent in ("greet", "help")]
    ids = add(database, *wrong)
    assert main(["nlu", "review", "--accept", *map(str, ids)]) == 0
    assert main(["nlu", "train", "--with-reviewed"]) == 1
    out = capsys.readouterr().out
    assert "current model" in out and "new model" in out and "stays in use" in out
    assert active_model(cache) is None

    main(["nlu", "review", "--drop", *map(str, ids)])  # a reviewer thinks again
    good = [example("the birch in our yard has a split trunk and leans over the swings",
                    "report_problem", "greenery")]
    main(["nlu", "review", "--accept", *map(str, add(database, *good))])
    assert main(["nlu", "train", "--with-reviewed"]) == 0
    assert "is active" in capsys.readouterr().out
    chosen = load_engine()
    assert active_model(cache) is not None
    assert chosen.info.examples == len(dataset.load_train().examples) + 1

    before = reload_requested_at(cache)
    assert main(["nlu", "reload"]) == 0
    assert reload_requested_at(cache) > before
