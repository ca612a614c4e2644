"""The waste sorting guide: which bin, or which special collection, for an item.

Data: knowledge/waste.yml (bilingual). Items are found by lemma ("батарейку" -> "батарейки"),
across alphabets and fuzzily ("batarejki", "baterries"), in either language; the answer is in
the resident's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from citybot.nlu.entities import Gazetteer
from citybot.nlu.text import Lemmatizer

LANGS = ("en", "ru")


@dataclass(frozen=True, slots=True)
class Stream:
    """A bin or a special collection."""

    id: str
    icon: str
    special: bool
    name: dict[str, str]
    where: dict[str, str]
    how: dict[str, str]


@dataclass(frozen=True, slots=True)
class WasteItem:
    id: str
    stream: str
    names: dict[str, tuple[str, ...]]
    tip: dict[str, str]


@dataclass(frozen=True, slots=True)
class WasteAnswer:
    """Where one item goes, in one language (plain text; format it with answers.py)."""

    item_id: str
    item: str  # the item's name in the resident's language
    stream_id: str
    icon: str
    bin: str  # the stream's name: "Yellow bin — plastic and metal"
    where: str
    how: str
    tip: str | None
    special: bool  # special collection: never a street bin
    matched: str = ""  # what the resident wrote


class WasteGuide:
    def __init__(
        self,
        streams: dict[str, Stream],
        items: list[WasteItem],
        keywords: dict[str, list[str]],
        lemmatizer: Lemmatizer | None = None,
    ) -> None:
        self.streams = streams
        self.items = {item.id: item for item in items}
        self._lemmatizer = lemmatizer or Lemmatizer()
        self._item_of: dict[str, str] = {}
        for item in items:
            for lang in LANGS:
                for name in item.names.get(lang, ()):
                    self._item_of.setdefault(name, item.id)
        self._stream_of = {name: sid for sid, names in keywords.items() for name in names}
        self._items = Gazetteer(self._item_of, self._lemmatizer, fuzzy_cutoff=86.0)
        self._keywords = Gazetteer(self._stream_of, self._lemmatizer, fuzzy_cutoff=90.0)

    @classmethod
    def load(cls, path: str | Path, lemmatizer: Lemmatizer | None = None) -> WasteGuide:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        streams = {
            sid: Stream(
                id=sid,
                icon=str(s.get("icon", "")),
                special=bool(s.get("special", False)),
                name={lang: s[lang]["name"] for lang in LANGS},
                where={lang: s[lang]["where"] for lang in LANGS},
                how={lang: s[lang].get("how", "") for lang in LANGS},
            )
            for sid, s in doc["streams"].items()
        }
        keywords = {
            sid: [k for lang in LANGS for k in (s.get("keywords") or {}).get(lang, [])]
            for sid, s in doc["streams"].items()
        }
        items = []
        for raw in doc["items"]:
            if raw["stream"] not in streams:
                raise ValueError(f"{path}: item {raw['id']!r} has unknown stream {raw['stream']!r}")
            items.append(
                WasteItem(
                    id=raw["id"],
                    stream=raw["stream"],
                    names={lang: tuple(raw.get(lang) or ()) for lang in LANGS},
                    tip=dict(raw.get("tip") or {}),
                )
            )
        return cls(streams, items, keywords, lemmatizer)

    def answer(self, item_id: str, lang: str, matched: str = "") -> WasteAnswer:
        item = self.items[item_id]
        stream = self.streams[item.stream]
        names = item.names.get(lang) or item.names["en"]
        return WasteAnswer(
            item_id=item.id,
            item=names[0][:1].upper() + names[0][1:],
            stream_id=stream.id,
            icon=stream.icon,
            bin=stream.name[lang],
            where=stream.where[lang],
            how=stream.how[lang],
            tip=item.tip.get(lang),
            special=stream.special,
            matched=matched,
        )

    def lookup(self, text: str, lang: str) -> list[WasteAnswer]:
        """Every item named in `text`, in the order written (no duplicates)."""
        answers: list[WasteAnswer] = []
        seen: set[str] = set()
        for start, end, name in self._items.find(text):
            item_id = self._item_of[name]
            if item_id not in seen:
                seen.add(item_id)
                answers.append(self.answer(item_id, lang, text[start:end]))
        return answers

    def stream_for(self, text: str) -> Stream | None:
        """The bin or collection a question is about ("what goes in the yellow bin?")."""
        found = self._keywords.find(text)
        return self.streams[self._stream_of[found[0][2]]] if found else None

    def stream_items(self, stream_id: str, lang: str, limit: int = 8) -> list[str]:
        """Names of some items that go into a stream, in `lang`."""
        names = [
            item.names.get(lang, ("",))[0]
            for item in self.items.values()
            if item.stream == stream_id and item.names.get(lang)
        ]
        return names[:limit]
