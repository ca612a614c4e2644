"""Read NLU data in Rasa 3's YAML format (the files `rasa train nlu` accepts unchanged).

Layout (see data/README.md): `data/train/<lang>/*.yml` for training, `data/train/lookups.yml`
for lookup tables, `data/test/<lang>.yml` for the held-out split, `data/unseen/<lang>.yml` for
the second held-out set (written apart from training, as residents write). A report's category
is the sub-intent of the retrieval intent `report_problem/<category>`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from citybot.nlu.contract import CATEGORIES, INTENTS, LANGUAGES, REPORT
from citybot.nlu.text import detect_lang

DATA_DIR = Path(__file__).parent / "data"
TRAIN_DIR = DATA_DIR / "train"
TEST_DIR = DATA_DIR / "test"
UNSEEN_DIR = DATA_DIR / "unseen"  # the second held-out set, written apart from training

# [text](entity) or [text](entity:value) or [text]{"entity": "...", "value": "..."}
_ANNOTATION_RE = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)|(?P<dict>\{[^}]+?\}))"
)


@dataclass(frozen=True, slots=True)
class Span:
    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    category: str | None
    lang: str
    entities: tuple[Span, ...] = ()
    source: str = ""

    @property
    def label(self) -> str:
        """The flat label the classifier learns: the intent, or `report_problem/<category>`."""
        return f"{REPORT}/{self.category}" if self.category else self.intent


@dataclass
class Dataset:
    examples: list[Example] = field(default_factory=list)
    lookups: dict[str, list[str]] = field(default_factory=dict)

    def by_lang(self, lang: str) -> list[Example]:
        return [e for e in self.examples if e.lang == lang]


class DataError(ValueError):
    pass


def parse_annotated(line: str) -> tuple[str, list[Span]]:
    """Strip Rasa entity annotations from one example; return the text and its spans."""
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in _ANNOTATION_RE.finditer(line):
        out.append(line[pos : m.start()])
        length += m.start() - pos
        surface = m.group("text")
        if m.group("dict"):
            spec = json.loads(m.group("dict"))
            entity, value = spec["entity"], spec.get("value", surface)
        else:
            entity, value = m.group("entity").strip(), m.group("value") or surface
        spans.append(Span(entity, value, length, length + len(surface)))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(line[pos:])
    return "".join(out), spans


def _lang_of(path: Path) -> str | None:
    for part in (path.stem, path.parent.name):
        if part in LANGUAGES:
            return part
    return None


def _split_intent(name: str, where: str) -> tuple[str, str | None]:
    intent, _, category = name.partition("/")
    if intent not in INTENTS:
        raise DataError(f"{where}: unknown intent {intent!r}")
    if category and (intent != REPORT or category not in CATEGORIES):
        raise DataError(f"{where}: unknown sub-intent {name!r}")
    if intent == REPORT and not category:
        raise DataError(f"{where}: report_problem needs a category: report_problem/<category>")
    return intent, category or None


def _example_lines(block: str, where: str) -> Iterator[str]:
    for line in block.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("-"):
            raise DataError(f"{where}: example without a leading '-': {line!r}")
        yield line[1:].strip()


def read_file(path: Path, dataset: Dataset) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lang = _lang_of(path)
    for item in doc.get("nlu") or []:
        if "intent" in item:
            where = f"{path.name}:{item['intent']}"
            intent, category = _split_intent(item["intent"], where)
            for line in _example_lines(item.get("examples", ""), where):
                text, spans = parse_annotated(line)
                dataset.examples.append(
                    Example(
                        text=text,
                        intent=intent,
                        category=category,
                        lang=lang or detect_lang(text),
                        entities=tuple(spans),
                        source=path.name,
                    )
                )
        elif "lookup" in item:
            where = f"{path.name}:lookup {item['lookup']}"
            values = dataset.lookups.setdefault(item["lookup"], [])
            values.extend(_example_lines(item.get("examples", ""), where))


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml")))
        else:
            files.append(path)
    return files


def load(paths: Iterable[Path | str]) -> Dataset:
    dataset = Dataset()
    for path in yaml_files(Path(p) for p in paths):
        read_file(path, dataset)
    return dataset


def load_train() -> Dataset:
    return load([TRAIN_DIR])


def load_test() -> Dataset:
    return load([TEST_DIR])


def load_unseen() -> Dataset:
    return load([UNSEEN_DIR])


def fingerprint(paths: Iterable[Path | str]) -> str:
    """A hash of the files' names and contents: the key of the model cache."""
    digest = hashlib.sha256()
    for path in yaml_files(Path(p) for p in paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def to_rasa_yaml(examples: Iterable[Example], comment: str = "") -> str:
    """Examples as a Rasa 3 NLU file (`version: "3.1"`, one block per intent or
    `report_problem/<category>`), readable by `load()` and by `rasa train nlu` alike."""
    blocks: dict[str, list[str]] = {}
    for ex in examples:
        line = " ".join(ex.text.split())
        blocks.setdefault(ex.label, [])
        if line and line not in blocks[ex.label]:
            blocks[ex.label].append(line)
    out = ['version: "3.1"', ""]
    if comment:
        out += [f"# {line}".rstrip() for line in comment.splitlines()] + [""]
    out.append("nlu:")
    for label in sorted(blocks):
        out += [f"- intent: {label}", "  examples: |"]
        out += [f"    - {_escape_annotations(line)}" for line in blocks[label]]
    return "\n".join(out) + "\n"


def _escape_annotations(line: str) -> str:
    """A resident's "[x](y)" must not read as an entity annotation."""
    return _ANNOTATION_RE.sub(lambda m: m.group(0).replace("[", "(").replace("]", ")"), line)
