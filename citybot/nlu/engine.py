"""The built-in NLU engine: train, cache, load, parse. In-process, offline, CPU only.

`load_engine()` loads the model from the cache, or trains it (a few seconds) and caches it. The
cache key is a hash of the training data, the lexicon and the engine's code, so a change to any
of them retrains. The cache lives in `$CITYBOT_NLU_CACHE`, else `$XDG_CACHE_HOME/citybot/nlu`,
else `~/.cache/citybot/nlu` — never in the repository; when it cannot be written the engine
just keeps the model in memory. The cache holds numpy arrays and JSON, no pickles.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from citybot.nlu import dataset
from citybot.nlu.contract import CATEGORIES, INTENTS, OUT_OF_SCOPE, REPORT, Parse
from citybot.nlu.entities import EntityExtractor
from citybot.nlu.features import LEXICON_PATH, FeatureConfig, Featurizer, Lexicon, Vectorizer
from citybot.nlu.model import (
    LinearModel,
    cross_val_scores,
    fit_linear,
    fit_temperature,
    softmax,
)
from citybot.nlu.text import Lemmatizer, translit

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
MAX_CHARS = 1000  # read the first 1000 characters; a report is rarely longer
C = 2.0
FEATURES = FeatureConfig(
    skeleton_chars=True, concept_weight=0.5, lead_concepts=True, question_concepts=True
)
_WARM_UP = (
    "there is a pothole on Queen Street 5, bus 7 from Central Station to the Zoo #12",
    "на ул. Ленина 5 яма, как доехать от вокзала до цирка, куда сдать батарейки, №12",
)
_CODE_FILES = ("text.py", "features.py", "model.py", "engine.py", "dataset.py")


@dataclass
class TrainingInfo:
    fingerprint: str
    examples: int
    features: int
    seconds: float
    temperature: float
    extra: dict = field(default_factory=dict)


class Engine:
    """Parses one message in well under a millisecond. Thread-safe for reading."""

    def __init__(
        self,
        vectorizer: Vectorizer,
        model: LinearModel,
        extractor: EntityExtractor,
        info: TrainingInfo,
        lookups: dict[str, list[str]],
    ) -> None:
        self.vectorizer = vectorizer
        self.model = model
        self.extractor = extractor
        self.info = info
        self.lookups = lookups
        intents = [label.partition("/")[0] for label in model.labels]
        self._intent_of = np.zeros((len(model.labels), len(INTENTS)))
        for row, intent in enumerate(intents):
            self._intent_of[row, INTENTS.index(intent)] = 1.0
        self._category_rows = [
            (row, label.partition("/")[2])
            for row, label in enumerate(model.labels)
            if label.startswith(REPORT + "/")
        ]
        self._category_index = np.array([row for row, _ in self._category_rows], dtype=np.int64)

    def parse(self, text: str, lang: str | None = None) -> Parse:
        """Intent, confidence, category and entities of one message. `lang` is a hint only:
        the script decides how words are read, and both languages share one model."""
        if not text or not text.strip():
            return Parse(OUT_OF_SCOPE, 0.0)
        text = text[:MAX_CHARS]  # offsets stay valid: entities point into the original prefix
        indices, values, _ = self.vectorizer.transform_one(text)
        scores = self.model.scores(indices, values)
        by_intent = softmax(scores, self.model.temperature) @ self._intent_of
        best = int(by_intent.argmax())
        intent = INTENTS[best]
        sure = float(by_intent[best])
        entities = self.extractor.extract(text, intent)
        if intent != REPORT:
            return Parse(intent, sure, None, entities)
        # a report always has a category: the best of the report labels, with its own confidence
        by_category = softmax(scores[self._category_index], self.model.category_temperature)
        pick = int(by_category.argmax())
        category_sure = float(by_category[pick])
        return Parse(
            intent,
            sure * category_sure,
            self._category_rows[pick][1],
            entities,
            intent_confidence=sure,
            category_confidence=category_sure,
        )

    def warm_up(self) -> Engine:
        """Load what is loaded lazily (stemmer, dictionaries, regex caches) now, so that the
        first residents do not wait for it."""
        for text in _WARM_UP:
            for intent in INTENTS:
                self.extractor.extract(text, intent)
            self.parse(text)
        return self

    def ranking(self, text: str) -> list[tuple[str, float]]:
        """All labels with their probabilities, best first (for debugging and evaluation)."""
        indices, values, _ = self.vectorizer.transform_one(text[:MAX_CHARS])
        proba = self.model.proba(indices, values)
        return sorted(zip(self.model.labels, proba.tolist(), strict=True), key=lambda x: -x[1])


# --- training -------------------------------------------------------------------------------


def _source_fingerprint(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256(f"format {FORMAT_VERSION} {FEATURES} C={C}".encode())
    digest.update(dataset.fingerprint(paths).encode())
    digest.update(dataset.fingerprint(_calibration_paths()).encode())
    digest.update(LEXICON_PATH.read_bytes())
    here = Path(__file__).parent
    for name in _CODE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _training_rows(examples: Sequence[dataset.Example]):
    """Texts, labels, CV strata and groups; Russian examples also in Latin letters."""
    texts, labels, strata, groups = [], [], [], []
    for n, ex in enumerate(examples):
        variants = [ex.text, translit(ex.text)] if ex.lang == "ru" else [ex.text]
        for text in variants:
            texts.append(text)
            labels.append(ex.label)
            strata.append(f"{ex.label}|{ex.lang}")
            groups.append(n)
    return texts, labels, strata, groups


def _gazetteers(data: dataset.Dataset) -> dict[str, list[str]]:
    """Lookup tables plus every annotated value of the training examples."""
    lookups = {name: list(values) for name, values in data.lookups.items()}
    for ex in data.examples:
        for span in ex.entities:
            if span.entity in ("waste_item", "stop"):
                lookups.setdefault(span.entity, []).append(ex.text[span.start : span.end])
    return {name: sorted(set(values)) for name, values in lookups.items()}


MIN_CALIBRATION = 100  # held-out examples needed to fit the temperatures on them


def _calibration_paths() -> list[Path]:
    return [dataset.TEST_DIR] if dataset.TEST_DIR.is_dir() else []


def _temperature(labels, model_labels, weights, bias, calibration, vectorizer, oof) -> float:
    """The softmax temperature: fitted on the held-out split when there is one (text written
    apart from training: the model is as sure there as on new text), else on the out-of-fold
    scores of the training data (`oof()`), which are too easy and give a sharper softmax. The
    category of a report uses the same temperature: the split has too few wrong categories
    (4 of 219) to fit one of its own."""
    known = [ex for ex in calibration if ex.label in model_labels]
    if len(known) >= MIN_CALIBRATION:
        scores = vectorizer.transform([ex.text for ex in known]) @ weights + bias
        return fit_temperature(np.asarray(scores), [ex.label for ex in known], model_labels)
    return fit_temperature(oof(), labels, model_labels)


def train(paths: Sequence[Path | str] | None = None) -> Engine:
    """Train from Rasa YAML files (default: the package's training data). Deterministic."""
    started = time.perf_counter()
    paths = [Path(p) for p in (paths or [dataset.TRAIN_DIR])]
    data = dataset.load(paths)
    if not data.examples:
        raise dataset.DataError(f"no training examples in {', '.join(map(str, paths))}")
    lemmatizer = Lemmatizer()
    featurizer = Featurizer(FEATURES, lemmatizer, Lexicon.load(lemmatizer))
    texts, labels, strata, groups = _training_rows(data.examples)
    vectorizer = Vectorizer(featurizer)
    X = vectorizer.fit_transform(texts)
    model_labels, weights, bias = fit_linear(X, labels, C)
    temperature = _temperature(
        labels, model_labels, weights, bias, dataset.load(_calibration_paths()).examples,
        vectorizer, lambda: cross_val_scores(X, labels, model_labels, strata, groups, C),
    )  # fmt: skip
    model = LinearModel(model_labels, weights, bias, temperature)
    lookups = _gazetteers(data)
    info = TrainingInfo(
        fingerprint=_source_fingerprint(paths),
        examples=len(data.examples),
        features=vectorizer.size,
        seconds=round(time.perf_counter() - started, 3),
        temperature=temperature,
    )
    _check_labels(model_labels)
    extractor = EntityExtractor(lookups, lemmatizer, _known_words(vectorizer))
    return Engine(vectorizer, model, extractor, info, lookups).warm_up()


def _known_words(vectorizer: Vectorizer) -> list[str]:
    return [key[2:] for key in vectorizer.vocab if key.startswith("w:") and " " not in key]


def _check_labels(labels: Sequence[str]) -> None:
    expected = {i for i in INTENTS if i != REPORT} | {f"{REPORT}/{c}" for c in CATEGORIES}
    missing = expected - set(labels)
    if missing:
        raise dataset.DataError(f"training data has no examples for {sorted(missing)}")


# --- cache ----------------------------------------------------------------------------------


def cache_dir() -> Path:
    if os.environ.get("CITYBOT_NLU_CACHE"):
        return Path(os.environ["CITYBOT_NLU_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "citybot" / "nlu"


def save(engine: Engine, directory: Path) -> Path:
    """Write the model atomically as <key>.npz + <key>.json; returns the .json path."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"model-{engine.info.fingerprint[:20]}"
    meta = {
        "format": FORMAT_VERSION,
        "labels": engine.model.labels,
        "temperature": engine.model.temperature,
        "category_temperature": engine.model.category_temperature,
        "vocab": sorted(engine.vectorizer.vocab, key=engine.vectorizer.vocab.__getitem__),
        "features": engine.vectorizer.featurizer.config.to_dict(),
        "lemmas": engine.vectorizer.featurizer.lemmatizer.known(),
        "lookups": engine.lookups,
        "info": engine.info.__dict__,
    }
    arrays = {
        "weights": engine.model.weights,
        "bias": engine.model.bias,
        "idf": np.asarray(engine.vectorizer.idf, dtype=np.float64),
    }
    _atomic_write(stem.with_suffix(".npz"), lambda f: np.savez(f, **arrays))
    _atomic_write(
        stem.with_suffix(".json"), lambda f: f.write(json.dumps(meta, ensure_ascii=False).encode())
    )
    return stem.with_suffix(".json")


def _atomic_write(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(json_path: Path) -> Engine:
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT_VERSION:
        raise ValueError(f"{json_path}: model format {meta.get('format')}, need {FORMAT_VERSION}")
    with np.load(json_path.with_suffix(".npz"), allow_pickle=False) as arrays:
        weights, bias, idf = arrays["weights"], arrays["bias"], arrays["idf"]
    lemmatizer = Lemmatizer()
    lemmatizer.warm_up(meta["lemmas"])
    featurizer = Featurizer(FeatureConfig(**meta["features"]), lemmatizer, Lexicon.load(lemmatizer))
    vocab = {key: i for i, key in enumerate(meta["vocab"])}
    vectorizer = Vectorizer(featurizer, vocab, idf)
    model = LinearModel(
        meta["labels"], weights, bias, float(meta["temperature"]),
        float(meta["category_temperature"]),
    )  # fmt: skip
    info = TrainingInfo(**meta["info"])
    lookups = meta["lookups"]
    extractor = EntityExtractor(lookups, lemmatizer, _known_words(vectorizer))
    return Engine(vectorizer, model, extractor, info, lookups).warm_up()


# --- the active model: one trained with reviewed examples, chosen by `citybot nlu train
# --with-reviewed`; `citybot nlu reload` tells running bots to load it now ------------------

ACTIVE = "active.json"
RELOAD_STAMP = "reload"


def base_fingerprint() -> str:
    """The key of the package's own model (its data, lexicon and code)."""
    return _source_fingerprint([dataset.TRAIN_DIR])


def activate(engine: Engine, directory: Path | None = None) -> Path:
    """Save the engine and make it the one `load_engine()` gives (while the package's data is
    the same as when it was trained: a new release of the data wins over an old choice)."""
    directory = directory or cache_dir()
    model = save(engine, directory)
    pointer = {"model": model.name, "base": base_fingerprint(), "info": engine.info.__dict__}
    _atomic_write(directory / ACTIVE, lambda f: f.write(json.dumps(pointer).encode()))
    return model


def active_model(directory: Path | None = None) -> Path | None:
    """The model chosen by `activate()`, when there is one and it still applies."""
    directory = directory or cache_dir()
    try:
        pointer = json.loads((directory / ACTIVE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if pointer.get("base") != base_fingerprint():
        return None
    model = directory / str(pointer.get("model", ""))
    return model if model.is_file() else None


def request_reload(directory: Path | None = None) -> Path:
    """Tell running bots to load the active model now (they look at this stamp's time)."""
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = directory / RELOAD_STAMP
    _atomic_write(stamp, lambda f: f.write(str(time.time()).encode()))
    return stamp


def reload_requested_at(directory: Path | None = None) -> float:
    """When `request_reload()` last ran (0.0: never)."""
    try:
        return (directory or cache_dir()).joinpath(RELOAD_STAMP).stat().st_mtime
    except OSError:
        return 0.0


def load_engine(
    paths: Sequence[Path | str] | None = None,
    *,
    directory: Path | None = None,
    retrain: bool = False,
) -> Engine:
    """The engine for the given training data (default: the package's), from cache if fresh.
    Without `paths`, the active model (`activate()`) when there is one."""
    directory = directory or cache_dir()
    if not paths and not retrain:
        chosen = active_model(directory)
        if chosen is not None:
            try:
                return load(chosen)
            except (OSError, ValueError, KeyError) as exc:
                log.warning("active NLU model %s unreadable (%s); using the default", chosen, exc)
    paths = [Path(p) for p in (paths or [dataset.TRAIN_DIR])]
    key = _source_fingerprint(paths)
    cached = directory / f"model-{key[:20]}.json"
    if not retrain and cached.exists():
        try:
            return load(cached)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("NLU cache %s unreadable (%s); retraining", cached, exc)
    engine = train(paths)
    try:
        save(engine, directory)
    except OSError as exc:
        log.info("NLU model not cached (%s is not writable: %s)", directory, exc)
    return engine


def is_ready(directory: Path | None = None) -> bool:
    """Whether `load_engine()` would load a model rather than train one."""
    directory = directory or cache_dir()
    cached = directory / f"model-{base_fingerprint()[:20]}.json"
    return active_model(directory) is not None or cached.exists()


def train_in_child() -> None:
    """`citybot nlu train --if-stale` in a child process: training imports scikit-learn and
    SciPy (~90 MB) and leaves its garbage behind; a bot that only loads the model keeps none of
    it. When the child fails (or cannot write the cache), `load_engine()` trains in-process."""
    command = [sys.executable, "-m", "citybot", "--log-level", "WARNING", "nlu", "train",
               "--if-stale"]  # fmt: skip
    done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    if done.returncode:
        log.warning("training the NLU model in a child process failed (exit code %s)",
                    done.returncode)  # fmt: skip


@functools.cache
def default_engine() -> Engine:
    """The engine of the package's data, loaded once per process (for `citybot.nlu.parse`)."""
    return load_engine()
