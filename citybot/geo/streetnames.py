"""Street names folded to one comparable Latin spelling, whatever the alphabet they were typed in.

"ул. Садовая, 12", "ulitsa Sadovaja 12" and "Sadovaya st 12" all become the words ["sadovaya"],
the street kind "street" and the house number 12. Both sides of a comparison (the configured
names and the typed query) go through the same folding, so its spelling choices only need to
be consistent, not pretty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citybot.alphabets import CYRILLIC_TO_LATIN

# Latin spellings of one Russian sound, made equal (order matters: longest first).
_SPELLINGS = [
    ("shch", "sh"), ("sch", "sh"), ("shh", "sh"), ("kh", "h"), ("tz", "c"), ("ts", "c"),
    ("x", "ks"), ("w", "v"), ("j", "y"), ("ye", "e"), ("yo", "e"), ("ia", "ya"), ("iu", "yu"),
]  # fmt: skip
_ADJECTIVE_END = re.compile(r"(iy|yy|ii|yi|ij|yj)$")
# Case and gender endings: "Садовая", "Садовой", "Садовую", "Садовый" share the stem "sadov".
_ENDINGS = ("aya", "uyu", "ogo", "omu", "oy", "oe", "ay", "y")

# Words that say what kind of street it is, by kind (both alphabets, full and abbreviated).
_KIND_WORDS = {
    "street": "улица ул street st str ulitsa ulica ul",
    "avenue": "проспект просп пр-т пр-кт пр prospekt prospect pr pr-t avenue ave av",
    "lane": "переулок пер pereulok per lane ln",
    "boulevard": "бульвар б-р бул bulvar boulevard blvd bul",
    "square": "площадь пл ploshchad square sq pl",
    "highway": "шоссе ш shosse highway hwy",
    "embankment": "набережная наб naberezhnaya nab embankment emb quay",
    "passage": "проезд пр-д proezd passage pass",
    "road": "дорога road rd doroga",
    "alley": "аллея alleya alley",
}
# Words that carry nothing for finding the street.
_NOISE = (
    "дом д house bldg building корпус корп к строение стр кв квартира apt apartment flat "
    "no nr номер г город city town gorod россия russia rossiya near около у возле на в at on "
    "the of in район district rayon мкр"
)

_TOKEN = re.compile(r"\d+(?:/\d+)?(?:[a-zа-яё](?![a-zа-яё])\d*)?|[a-zа-яё]+(?:-[a-zа-яё]+)*")


def fold(word: str) -> str:
    """One lowercase Latin spelling of a word in either alphabet."""
    word = word.lower().replace("ё", "е").translate(CYRILLIC_TO_LATIN).replace("'", "")
    for spelling, common in _SPELLINGS:
        word = word.replace(spelling, common)
    return _ADJECTIVE_END.sub("y", word)


def stem(word: str) -> str:
    """`word` (folded) without a case or gender ending, when enough of it is left."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


KIND_OF_WORD = {fold(w): kind for kind, words in _KIND_WORDS.items() for w in words.split()}
NOISE = {fold(w) for w in _NOISE.split()}


@dataclass(frozen=True)
class HouseNumber:
    label: str  # as typed: "12", "12а", "5к2", "7/1"
    value: int  # the number to place along the street: 12, 12, 5, 7


@dataclass
class Words:
    """A name or query split into what matters for matching."""

    words: list[str | HouseNumber] = field(default_factory=list)  # in order, numbers kept
    kind: str | None = None  # street, avenue, lane... when a kind word was given
    kind_words: list[str] = field(default_factory=list)

    @property
    def numbers(self) -> list[HouseNumber]:
        return [w for w in self.words if isinstance(w, HouseNumber)]

    @property
    def letters(self) -> list[str]:
        return [w for w in self.words if isinstance(w, str)]


def split(text: str, *, extra_noise: frozenset[str] = frozenset()) -> Words:
    """Split a typed address or a street name into folded words, house numbers and kind."""
    result = Words()
    for token in _TOKEN.findall(text.lower()):
        if token[0].isdigit():
            digits = re.match(r"\d+", token)
            result.words.append(HouseNumber(token, int(digits.group()) if digits else 0))
            continue
        word = fold(token)
        if kind := KIND_OF_WORD.get(word):
            result.kind = result.kind or kind
            result.kind_words.append(word)
        elif len(word) > 1 and word not in NOISE and word not in extra_noise:
            result.words.append(word)
    if not result.letters and result.kind_words:
        # The name itself is a kind word ("Набережная"): keep it as the name.
        result.words = [*result.kind_words[:1], *result.words]
    return result


def as_text(words: list[str | HouseNumber], *, stemmed: bool = False) -> str:
    parts = (w.label if isinstance(w, HouseNumber) else (stem(w) if stemmed else w) for w in words)
    return " ".join(parts)
