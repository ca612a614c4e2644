"""Entity extraction: rules for numbers and addresses, gazetteers for waste items and stops.

Which entities are looked for depends on the intent, so a number in a greeting is not a route:

    report_problem -> address          faq_transport -> route, stop
    faq_waste      -> waste_item       check_status  -> report_number
    subscribe      -> address, route

Gazetteers come from the lookup tables of the training data (and the annotated values of the
examples). They match by lemma ("батарейку" ~ "батарейки"), then by a spelling-insensitive key
across alphabets ("Tsentralny vokzal" ~ "Центральный вокзал"), then fuzzily for typos.
Values are the text as written, except `route` ("12а" -> "12A", "Н1" -> "N1") and
`report_number` (digits only); `start`/`end` always point into the original text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from citybot.nlu.contract import Entity
from citybot.nlu.text import CYRILLIC_RE, Lemmatizer, Token, skeleton, tokenize

SCOPES: dict[str, tuple[str, ...]] = {
    "report_problem": ("address",),
    "faq_waste": ("waste_item",),
    "faq_transport": ("stop", "route"),
    "check_status": ("report_number",),
    "subscribe": ("address", "route"),
}

_ROUTE_LETTERS = str.maketrans(
    {"А": "A", "Б": "B", "В": "V", "Е": "E", "К": "K", "М": "M", "Н": "N", "С": "S", "Т": "T"}
)
_ROUTE = r"(?:[NnНн]-?\d{1,2}|\d{1,3}(?:[A-Za-zАБВабвАа](?![A-Za-zА-Яа-яЁё]))?)"
_VEHICLE = (
    r"(?:bus(?:es)?|tram|trolley(?:bus)?|route|line|night bus|minibus|"
    r"маршрут\w*|маршрутк\w*|автобус\w*|трамва\w*|троллейбус\w*|№)"
)
_ROUTE_AFTER_VEHICLE_RE = re.compile(
    rf"{_VEHICLE}\s*(?:no\.?|number|номер|№|#)?\s*(?P<route>{_ROUTE})(?![\d:.,]\d)",
    re.IGNORECASE,
)
_ROUTE_BEFORE_VEHICLE_RE = re.compile(
    rf"(?<![\w:])(?P<route>{_ROUTE})(?:-?(?:й|ый|ой|ий|го|ого|му|ому|ом|м|ая|th|st|nd|rd))?"
    rf"\s+{_VEHICLE}",
    re.IGNORECASE,
)
# "N1", "Н2", "12A": shaped like a route even without a vehicle word
_ROUTE_SHAPED_RE = re.compile(
    r"(?<![\w#№])(?P<route>[NnНн]-?\d{1,2}|\d{1,3}[AaАаБб])(?![\w])", re.IGNORECASE
)
_BARE_NUMBER_RE = re.compile(r"(?<![\w#№:.,/-])(?P<route>\d{1,3})(?![\w:]|[.,]\d)")
_NOT_A_ROUTE_AFTER = re.compile(
    r"\s*(?:min|mins|minutes|hours?|h\b|am|pm|o'clock|мин|минут\w*|час\w*|утра|вечера|ночи|"
    r"руб\w*|₽|%|th\b|st\b|nd\b|rd\b)",
    re.IGNORECASE,
)
_NOT_A_ROUTE_BEFORE = re.compile(
    r"(?:every|each|at|after|before|in|раз в|каждые|каждый|в|до|после|за|через)\s*$",
    re.IGNORECASE,
)

_REPORT_NUMBER_RE = re.compile(r"(?<![\d:.,])(?P<num>\d{1,9})(?![\d:]|[.,]\d)")

_EN_STREET_TYPES = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|grove|way|square|sq|place|pl|"
    r"boulevard|blvd|crescent|terrace|bypass|embankment|highway|parade|row|walk|court|hill"
)
_EN_STOP = {
    "the", "a", "on", "in", "at", "near", "by", "of", "our", "my", "outside", "behind", "opposite",
    "along", "from", "to", "off", "past", "around", "corner", "end", "top", "bottom", "and",
    "there", "is", "are", "s", "whole", "this", "that", "next", "up", "down", "again", "for",
    "about", "works", "repairs", "alerts", "updates", "news", "me", "subscribe", "street",
}  # fmt: skip
_EN_ADDRESS_RE = re.compile(
    rf"(?:(?P<num>\d{{1,4}}[a-z]?)\s+)?(?P<name>(?:[A-Za-z][\w'-]*\s+){{1,3}})"
    rf"(?P<type>{_EN_STREET_TYPES})\b\.?(?:\s*,?\s*(?P<tail>\d{{1,4}}[a-z]?)\b)?",
    re.IGNORECASE,
)
# strong street types make an address of any word after them; weak ones ("площадь", "проезд")
# only of a capitalised name
_RU_STRONG_TYPES = (
    r"ул\.|ул\b|улиц[аеиуы]\w*|пр\.|пр-т\w*|просп\.|проспект\w*|пер\.|переул\w*|"
    r"бульвар\w*|б-р|шоссе|наб\.|мкр\.?|микрорайон\w*"
)
_RU_WEAK_TYPES = r"площад(?:ь|и|ью)|набережн\w*|проезд\w*|алле[яиеюй]|тупик\w*|линии|линия"
_RU_TYPES = rf"{_RU_STRONG_TYPES}|{_RU_WEAK_TYPES}"
_RU_NAME = r"(?:им\.\s*)?[А-ЯЁа-яё][А-ЯЁа-яё-]*(?:\s+[А-ЯЁ][А-ЯЁа-яё-]*)?"
_RU_NUMBER = r"(?:,?\s*(?:д\.|дом|д)?\s*\d{1,4}(?:\s?[а-яА-Я](?![а-яА-Я]))?(?:/\d{1,4})?)"
_RU_TYPE_FIRST_RE = re.compile(
    rf"(?<![А-ЯЁа-яё])(?P<type>{_RU_TYPES})\s*(?P<name>{_RU_NAME})(?P<num>{_RU_NUMBER})?"
    r"(?![А-ЯЁа-яё\d])"
)
_RU_TYPE_LAST_RE = re.compile(
    r"(?<![А-ЯЁа-яё])(?P<name>[А-ЯЁа-яё][а-яё-]*(?:ая|ой|ей|ую|ий|ый|ого|ому|ом|ем|ые|ых))\s+"
    rf"(?P<type>{_RU_TYPES})(?P<num>{_RU_NUMBER})?(?![А-ЯЁа-яё\d])"
)
_RU_ABBREVIATION_RE = re.compile(r"(?:ул|пр|пер|просп|наб|мкр)\.?$|пр-т|б-р")
# "дома 5 по ...", "у дома 19 на ..." in front of a street
_RU_HOUSE_PREFIX_RE = re.compile(r"(?:дом(?:а|е|у|ом)?|д\.)\s*\d{1,4}[а-я]?\s+(?:по|на)\s+$")
_NUMBER_AFTER_RE = re.compile(r"\s*,?\s*(?:д\.|дом)?\s*\d{1,4}(?:[a-zа-я](?![a-zа-я]))?(?:/\d+)?\b")

_MODIFIER_STEM_RE = re.compile(
    r"(?:стар|использованн|севш|сломанн|просроченн|пуст|ненужн|разбит|грязн|испорченн|"
    r"отработанн)\w*$",
    re.IGNORECASE,
)
_WASTE_MODIFIERS = {
    "old", "used", "dead", "broken", "expired", "empty", "leftover", "spent", "worn", "flat",
    "dirty", "greasy", "unused", "unwanted",
    "старый", "использованный", "севший", "сломанный", "просроченный", "пустой", "ненужный",
    "разбитый", "грязный", "испорченный", "отработанный", "непригодный",
}  # fmt: skip
# the words before a bin or a container: "в пластик", "into the paper bin", "от принтера"
_AFTER_DESTINATION_RE = re.compile(
    r"(?:\b(?:into|in\s+the|in\s+a|in\s+my|or|with|for|of|from)"
    r"|(?<![а-яё])(?:в|во|или|к|с|со|от|для|из-под))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_WASTE_QUESTION_RES = (
    re.compile(
        r"(?:where|how)\s+(?:do|can|should|to)?\s*(?:i|we|you)?\s*(?:put|throw(?:\s+away|\s+out)?"
        r"|take|recycle|dispose\s+of|get\s+rid\s+of|bring|hand\s+in|drop\s+off)\s+"
        r"(?:an?\s+|the\s+|my\s+|our\s+|some\s+)?(?P<item>[^?.!,]+)",
        re.IGNORECASE,
    ),
    re.compile(r"what\s+(?:do|can|should)\s+i\s+do\s+with\s+(?:an?\s+|my\s+|the\s+)?"
               r"(?P<item>[^?.!,]+)", re.IGNORECASE),
    re.compile(r"(?:which|what)\s+bin\s+(?:for|does|do|is)\s+(?:an?\s+|the\s+)?"
               r"(?P<item>[^?.!,]+?)(?:\s+go(?:es)?(?:\s+in(?:to)?)?)?\s*(?:[?.!,]|$)",
               re.IGNORECASE),
    re.compile(
        r"(?:куда|как|где)\s+(?:можно\s+|нужно\s+|правильно\s+)?(?:сдать|сдавать|выбросить|"
        r"выкинуть|деть|девать|утилизировать|отнести|отвезти|избавиться\s+от|принимают|"
        r"выбрасывать)\s+(?P<item>[^?.!,]+)",
        re.IGNORECASE,
    ),
    re.compile(r"что\s+делать\s+с(?:о)?\s+(?P<item>[^?.!,]+)", re.IGNORECASE),
    re.compile(r"в\s+как(?:ой|ую)\s+(?:бак|контейнер|урну)\s+(?P<item>[^?.!,]+)", re.IGNORECASE),
)  # fmt: skip
_TRIP_RES = (
    re.compile(r"\bfrom\s+(?:the\s+)?(?P<a>[^?!,]+?)\s+to\s+(?:the\s+)?(?P<b>[^?!,]+?)"
               r"(?=\s+(?:by|on|at|in)\b|[?!,.]|$)", re.IGNORECASE),
    re.compile(r"(?<![а-яё])(?:от|из)\s+(?P<a>[^?!,]+?)\s+(?:до|в)\s+(?P<b>[^?!,]+?)"
               r"(?=\s+(?:на|по|через)(?![а-яё])|[?!,.]|$)", re.IGNORECASE),
)  # fmt: skip
_NOT_A_STOP_RE = re.compile(
    r"^(?:end|here|there|home|work|\w*\s*bus\w*|tram\w*|конечн\w*|дом\w*|работ\w*|тут|здесь|"
    r"сюда|туда|автобус\w*|трамва\w*|троллейбус\w*)$",
    re.IGNORECASE,
)
_MAX_STOP_WORDS = 4


FUZZY_WORDS = 40  # fuzzy matching looks at the first 40 words only


@dataclass(frozen=True, slots=True)
class _Unit:
    """A word or number of the text with its lemma, for gazetteer matching."""

    token: Token
    lemma: str


class Gazetteer:
    """Multi-word names matched by lemmas, by cross-alphabet key, then fuzzily.

    The cross-alphabet key (`text.skeleton`) is built for Russian names only: it lets
    "Tsentralny vokzal" find "Центральный вокзал" without "бокс" finding "books". Fuzzy
    matching skips words the model knows (a real word is not a typo: "leave" is not "leaves").
    """

    def __init__(
        self,
        names: Iterable[str],
        lemmatizer: Lemmatizer,
        fuzzy_cutoff: float | None = 88.0,
        known_words: frozenset[str] = frozenset(),
    ) -> None:
        self.lemmatizer = lemmatizer
        self.fuzzy_cutoff = fuzzy_cutoff
        self.known_words = known_words
        self._by_lemmas: dict[tuple[str, ...], str] = {}
        self._by_skeleton: dict[str, str] = {}
        self._fuzzy_keys: dict[str, str] = {}
        self.max_len = 1
        for name in names:
            units = self._units(name)
            if not units:
                continue
            self._by_lemmas.setdefault(tuple(u.lemma for u in units), name)
            self._fuzzy_keys.setdefault(self._plain(units), name)
            if CYRILLIC_RE.search(name):
                self._by_skeleton.setdefault(self._skeleton(units), name)
                self._fuzzy_keys.setdefault(self._skeleton(units), name)
            self.max_len = max(self.max_len, len(units))
        self._fuzzy_list = list(self._fuzzy_keys)

    def _units(self, text: str) -> list[_Unit]:
        return [
            _Unit(t, self.lemmatizer.lemma(t.norm) if t.is_word else t.norm)
            for t in tokenize(text)
            if t.is_word or t.is_number
        ]

    @staticmethod
    def _skeleton(units: Sequence[_Unit]) -> str:
        return " ".join(skeleton(u.token.norm) for u in units)

    @staticmethod
    def _plain(units: Sequence[_Unit]) -> str:
        return " ".join(u.token.norm for u in units)

    def __len__(self) -> int:
        return len(self._by_lemmas)

    def _exact(self, window: Sequence[_Unit]) -> str | None:
        name = self._by_lemmas.get(tuple(u.lemma for u in window))
        if name is None and not CYRILLIC_RE.search(window[0].token.norm):
            name = self._by_skeleton.get(self._skeleton(window))  # Russian in Latin letters
        return name

    def _fuzzy(self, window: Sequence[_Unit]) -> str | None:
        if self.fuzzy_cutoff is None or any(len(u.lemma) < 3 for u in window):
            return None
        if all(u.lemma in self.known_words for u in window):
            return None
        keys = [self._plain(window)]
        if not CYRILLIC_RE.search(keys[0]):
            keys.append(self._skeleton(window))
        for key in keys:
            if len(key) < 5:
                continue
            found = process.extractOne(
                key, self._fuzzy_list, scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff
            )
            if found:
                return self._fuzzy_keys[found[0]]
        return None

    def find(self, text: str, skip: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, canonical name) matches: exact ones first (longest
        first, left to right), then fuzzy ones of one or two words in what is left."""
        units = [u for u in self._units(text) if not _inside(u.token.start, u.token.end, skip)]
        found: list[tuple[int, int, str]] = []
        for match, longest in ((self._exact, self.max_len), (self._fuzzy, 2)):
            taken = [(s, e) for s, e, _ in found]
            free = [u for u in units if not _inside(u.token.start, u.token.end, taken)]
            if match == self._fuzzy:
                free = free[:FUZZY_WORDS]  # fuzzy matching is the slow part: bound it
            i = 0
            while i < len(free):
                for size in range(min(longest, len(free) - i), 0, -1):
                    window = free[i : i + size]
                    name = _contiguous(text, window) and match(window)
                    if name:
                        found.append((window[0].token.start, window[-1].token.end, name))
                        i += size
                        break
                else:
                    i += 1
        return sorted(found)


def _contiguous(text: str, window: Sequence[_Unit]) -> bool:
    """No sentence punctuation between the words of a window."""
    for left, right in itertools.pairwise(window):
        gap = text[left.token.end : right.token.start]
        if any(ch.isalnum() or ch in ",.;:!?()" for ch in gap):
            return False
    return True


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _skip_modifiers(text: str, start: int, end: int) -> int:
    """Leave out "old", "broken", "старый" in front of an item: the item is the noun."""
    for m in re.finditer(r"[^\W\d_]+", text[start:end]):
        if m.group().lower() not in _WASTE_MODIFIERS and not _MODIFIER_STEM_RE.match(m.group()):
            return start + m.start()
    return start


def normalize_route(value: str) -> str:
    return value.replace("-", "").upper().translate(_ROUTE_LETTERS)


class EntityExtractor:
    def __init__(
        self,
        lookups: dict[str, list[str]],
        lemmatizer: Lemmatizer,
        known_words: Iterable[str] = (),
    ) -> None:
        self.lemmatizer = lemmatizer
        known = frozenset(known_words)
        self.waste = Gazetteer(lookups.get("waste_item", ()), lemmatizer, 88.0, known)
        self.stops = Gazetteer(lookups.get("stop", ()), lemmatizer, 85.0, known)
        self.streets = Gazetteer(lookups.get("address", ()), lemmatizer, None)

    def extract(self, text: str, intent: str) -> list[Entity]:
        found: list[Entity] = []
        for kind in SCOPES.get(intent, ()):
            taken = [(e.start, e.end) for e in found]
            found.extend(getattr(self, kind)(text, taken, intent))
        return sorted(found, key=lambda e: (e.start, e.end))

    # --- one method per entity type -------------------------------------------------------

    def report_number(self, text: str, taken, intent: str) -> list[Entity]:
        return [
            Entity("report_number", m.group("num"), m.start("num"), m.end("num"))
            for m in _REPORT_NUMBER_RE.finditer(text)
            if not _inside(m.start(), m.end(), taken)
        ]

    def route(self, text: str, taken, intent: str) -> list[Entity]:
        spans: dict[tuple[int, int], str] = {}
        for regex in (_ROUTE_AFTER_VEHICLE_RE, _ROUTE_BEFORE_VEHICLE_RE, _ROUTE_SHAPED_RE):
            for m in regex.finditer(text):
                spans.setdefault((m.start("route"), m.end("route")), m.group("route"))
        if intent == "faq_transport":
            for m in _BARE_NUMBER_RE.finditer(text):
                if any(s <= m.start() < e for s, e in spans):
                    continue
                before, after = text[: m.start()], text[m.end() :]
                if _NOT_A_ROUTE_AFTER.match(after) or _NOT_A_ROUTE_BEFORE.search(before):
                    continue
                spans[(m.start(), m.end())] = m.group()
        return [
            Entity("route", normalize_route(value), start, end)
            for (start, end), value in sorted(spans.items())
            if not _inside(start, end, taken)
        ]

    def stop(self, text: str, taken, intent: str) -> list[Entity]:
        found = [Entity("stop", text[s:e], s, e) for s, e, _ in self.stops.find(text, skip=taken)]
        if len(found) >= 2:
            return found
        for regex in _TRIP_RES:  # "from A to B": A and B are stops even if we do not know them
            m = regex.search(text)
            if not m:
                continue
            spans = [_trim(text, m.start(g), m.end(g)) for g in ("a", "b")]
            if any(
                _NOT_A_STOP_RE.match(text[s:e]) or len(text[s:e].split()) > _MAX_STOP_WORDS
                for s, e in spans
            ):
                break
            for start, end in spans:
                if end > start and not _inside(start, end, [(e.start, e.end) for e in found]):
                    found.append(Entity("stop", text[start:end], start, end))
            break
        return sorted(found, key=lambda e: e.start)

    def waste_item(self, text: str, taken, intent: str) -> list[Entity]:
        found = [
            Entity("waste_item", text[s:e], s, e) for s, e, _ in self.waste.find(text, skip=taken)
        ]
        if len(found) > 1:  # "tetra pak with plastic?": "plastic" is where it goes, not an item
            kept = [
                e
                for e in found
                if not _AFTER_DESTINATION_RE.search(text[: e.start])
                and e.value.lower() not in _WASTE_MODIFIERS  # "leftover" of "leftover paint"
            ]
            found = kept or found[:1]
        if found:
            return found
        for regex in _WASTE_QUESTION_RES:  # "where do I put X": X even if we do not know it
            m = regex.search(text)
            if m:
                start, end = _trim(text, m.start("item"), m.end("item"))
                start = _skip_modifiers(text, start, end)
                if end > start:
                    return [Entity("waste_item", text[start:end], start, end)]
        return []

    def address(self, text: str, taken, intent: str) -> list[Entity]:
        spans: list[tuple[int, int]] = []

        def add(start: int, end: int) -> None:
            start, end = _trim(text, start, end)
            if end <= start or _inside(start, end, taken):
                return
            for i, (s, e) in enumerate(spans):
                if start < e and s < end:  # overlapping: keep the longer one
                    if end - start > e - s:
                        spans[i] = (start, end)
                    return
            spans.append((start, end))

        for regex in (_RU_TYPE_FIRST_RE, _RU_TYPE_LAST_RE):
            for m in regex.finditer(text):  # "ул. ленина", "Садовой улице", "улица Мира 5"
                short = regex is _RU_TYPE_FIRST_RE and _RU_ABBREVIATION_RE.match(m.group("type"))
                if short or m.group("num") or m.group("name")[:1].isupper():
                    add(self._with_house_prefix(text, m.start()), m.end())
        for m in _EN_ADDRESS_RE.finditer(text):
            start = self._en_name_start(text, m)
            if start is not None and (text[start].isupper() or m.group("num") or m.group("tail")):
                add(start, m.end())
        for start, end, _ in self.streets.find(text):
            tail = _NUMBER_AFTER_RE.match(text, end)
            if tail or text[start].isupper():
                add(self._with_house_prefix(text, start), tail.end() if tail else end)
        return [Entity("address", text[s:e], s, e) for s, e in sorted(spans)]

    @staticmethod
    def _with_house_prefix(text: str, start: int) -> int:
        m = _RU_HOUSE_PREFIX_RE.search(text[max(0, start - 30) : start])
        return start - (len(text[max(0, start - 30) : start]) - m.start()) if m else start

    @staticmethod
    def _en_name_start(text: str, m: re.Match[str]) -> int | None:
        """Start of the street name: drop leading words like "on", "the", "outside"."""
        words = list(re.finditer(r"[\w'-]+", m.group("name")))
        offset = m.start("name")
        kept = []
        for w in reversed(words):
            if w.group().lower() in _EN_STOP or w.group().isdigit():
                break
            kept.append(w)
        if not kept:
            return None
        name_start = offset + kept[-1].start()
        if m.group("num") and len(kept) == len(words):
            return m.start("num")
        return name_start
