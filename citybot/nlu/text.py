"""Text helpers shared by the NLU engine and the knowledge base.

Tokens keep their character offsets into the original text, so entities can point back at what
the resident wrote. Lemmas come from pymorphy3 for Russian and the Snowball stemmer for English;
both are memoised per word, which is what keeps a parse well under a millisecond.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from citybot.alphabets import to_latin

TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
CYRILLIC_RE = re.compile(r"[а-яё]", re.IGNORECASE)
REPEATS_RE = re.compile(r"(.)\1{2,}")

# Spellings people use for the same Russian sound, folded into one key ("Tsentralnyj" ~
# "Centralniy" ~ "Центральный").
_SKELETON_RULES = (
    ("shch", "sh"), ("sch", "sh"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("zh", "j"),
    ("ch", "c"), ("yu", "u"), ("iu", "u"), ("ju", "u"), ("ya", "a"), ("ia", "a"), ("ja", "a"),
    ("yo", "o"), ("jo", "o"), ("ye", "e"), ("je", "e"), ("iy", "i"), ("yi", "i"), ("ij", "i"),
    ("yj", "i"), ("y", "i"), ("j", "i"), ("w", "v"), ("x", "ks"), ("ck", "k"), ("q", "k"),
)  # fmt: skip
_DOUBLE_RE = re.compile(r"([a-z])\1+")


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written
    norm: str  # lower case, ё -> е, long repeats squeezed
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.norm[:1].isalpha()

    @property
    def is_number(self) -> bool:
        return self.norm.isdigit()


def detect_lang(text: str) -> str:
    """'ru' when the text has Cyrillic letters, else 'en'."""
    return "ru" if CYRILLIC_RE.search(text) else "en"


def normalize(word: str) -> str:
    word = word.lower().replace("ё", "е")
    return REPEATS_RE.sub(r"\1\1", word)


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.group(), normalize(m.group()), m.start(), m.end()) for m in TOKEN_RE.finditer(text)
    ]


def translit(text: str) -> str:
    """Russian letters to Latin ones (other characters unchanged), lower case."""
    return to_latin(text)


def skeleton(text: str) -> str:
    """A spelling-insensitive key in Latin letters, for fuzzy matching across alphabets."""
    out = translit(normalize(text))
    for old, new in _SKELETON_RULES:
        out = out.replace(old, new)
    return _DOUBLE_RE.sub(r"\1", out)


@functools.cache
def morph_analyzer():  # pymorphy3 takes ~0.1 s and ~8 MB to load: load it once, when first needed
    from citybot.nlu import morphology

    return morphology.analyzer()


@functools.cache
def _english_stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


class Lemmatizer:
    """Word -> lemma (Russian, pymorphy3) or stem (Latin script, Snowball English), memoised."""

    def __init__(self, max_cache: int = 200_000) -> None:
        self._cache: dict[str, str] = {}
        self._max_cache = max_cache

    def lemma(self, word: str) -> str:
        """The lemma of one normalised word."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if CYRILLIC_RE.search(word):
            lemma = morph_analyzer().parse(word)[0].normal_form.replace("ё", "е")
        elif word.isascii() and word.isalpha():
            lemma = _english_stemmer().stemWord(word)
        else:
            lemma = word
        if len(self._cache) >= self._max_cache:
            self._cache.clear()
        self._cache[word] = lemma
        return lemma

    def lemmas(self, text: str) -> list[str]:
        return [self.lemma(t.norm) for t in tokenize(text) if t.is_word or t.is_number]

    def warm_up(self, words: dict[str, str]) -> None:
        """Preload known word -> lemma pairs (saved with the model) so common words are free."""
        self._cache.update(words)

    def known(self) -> dict[str, str]:
        return dict(self._cache)
