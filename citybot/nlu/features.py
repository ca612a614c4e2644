"""Text -> sparse features for the intent classifier.

Three groups, each TF-IDF weighted and L2-normalised on its own, so that the many character
n-grams do not drown the few words:
- character n-grams (2..5) of every word, Russian words written in Latin letters first, so that
  typos, word forms and "musorku ne vyvezli" land near "мусорку не вывезли";
- word lemmas (pymorphy3 / Snowball) and lemma bigrams, for meaning beyond spelling;
- concepts of a small bilingual lexicon (lexicon.yml), shared by both languages.
Digits are folded into a shape ("#000") so report numbers and routes generalise.
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from citybot.nlu.text import CYRILLIC_RE, Lemmatizer, normalize, skeleton, tokenize, translit

CHAR = "c"
WORD = "w"
CONCEPT = "k"
GROUPS = (CHAR, WORD, CONCEPT)
LEXICON_PATH = Path(__file__).parent / "lexicon.yml"


class Lexicon:
    """Concepts fired by lemmas: exact words, "prefix*" patterns and two-word phrases."""

    def __init__(self, concepts: dict[str, list[str]], lemmatizer: Lemmatizer) -> None:
        self._exact: dict[str, set[str]] = {}
        self._prefixes: list[tuple[str, str]] = []
        self._pairs: list[tuple[str, str, str]] = []
        self._memo: dict[str, frozenset[str]] = {}
        self._pair_memo: dict[str, tuple[tuple[str, str], ...]] = {}
        for concept, entries in concepts.items():
            for entry in entries:
                words = [self._pattern(w, lemmatizer) for w in str(entry).split()]
                if len(words) == 1 and words[0].endswith("*"):
                    self._prefixes.append((words[0][:-1], concept))
                elif len(words) == 1:
                    self._exact.setdefault(words[0], set()).add(concept)
                else:
                    self._pairs.append((words[0], words[1], concept))

    @staticmethod
    def _pattern(word: str, lemmatizer: Lemmatizer) -> str:
        word = normalize(word)
        if word.endswith("*"):
            return word
        return lemmatizer.lemma(word) if word[:1].isalpha() else word

    @classmethod
    def load(cls, lemmatizer: Lemmatizer, path: Path = LEXICON_PATH) -> Lexicon:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(doc["concepts"], lemmatizer)

    @staticmethod
    def _matches(pattern: str, unit: str) -> bool:
        return unit.startswith(pattern[:-1]) if pattern.endswith("*") else unit == pattern

    def _of(self, unit: str) -> frozenset[str]:
        found = self._memo.get(unit)
        if found is None:
            hits = set(self._exact.get(unit, ()))
            hits.update(c for prefix, c in self._prefixes if unit.startswith(prefix))
            found = self._memo[unit] = frozenset(hits)
        return found

    def _pairs_from(self, unit: str) -> tuple[tuple[str, str], ...]:
        """(second word's pattern, concept) of the two-word entries whose first word is `unit`."""
        found = self._pair_memo.get(unit)
        if found is None:
            found = self._pair_memo[unit] = tuple(
                (second, concept)
                for first, second, concept in self._pairs
                if self._matches(first, unit)
            )
        return found

    def concepts(self, units: Sequence[str]) -> Counter[str]:
        out: Counter[str] = Counter()
        for unit in units:
            out.update(self._of(unit))
        for a, b in itertools.pairwise(units):
            for second, concept in self._pairs_from(a):
                if self._matches(second, b):
                    out[concept] += 1
        return out


_CLAUSE_ENDS = frozenset({",", ".", "!", ";", "+", "and", "also", "plus", "и", "а", "ещё", "еще"})


def _ends_clause(norm: str, words_so_far: int) -> bool:
    """A token that closes the first clause, once it holds two words or more."""
    return words_so_far >= 2 and norm in _CLAUSE_ENDS


@dataclass(frozen=True)
class FeatureConfig:
    char_min: int = 2
    char_max: int = 5
    translit_chars: bool = True
    skeleton_chars: bool = False
    word_bigrams: bool = True
    char_weight: float = 1.0
    word_weight: float = 1.0
    concept_weight: float = 1.0
    lead_concepts: bool = False  # concepts of the first clause again, as "lead:<concept>"
    question_concepts: bool = False  # in a question, each concept again as "q:<concept>"

    def to_dict(self) -> dict:
        return dict(self.__dict__)


class Featurizer:
    """Extracts raw feature counts per group; `Vectorizer` turns them into weights."""

    def __init__(
        self, config: FeatureConfig, lemmatizer: Lemmatizer, lexicon: Lexicon | None = None
    ) -> None:
        self.config = config
        self.lemmatizer = lemmatizer
        self.lexicon = lexicon

    def counts(self, text: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
        cfg = self.config
        chars: Counter[str] = Counter()
        words: Counter[str] = Counter()
        lemmas: list[str] = []
        units: list[str] = []
        lead = 0  # units of the first clause: what a two-problem message leads with
        for token in tokenize(text):
            if not lead and units and _ends_clause(token.norm, len(lemmas)):
                lead = len(units)
            norm = token.norm
            if token.is_number:
                shape = "#" + "0" * min(len(norm), 4)
                words[shape] += 1
                lemmas.append(shape)
                units.append(shape)
                continue
            if not token.is_word:
                words[norm] += 1  # punctuation and emoji: "?", "#", "👋"
                units.append(norm)
                continue
            lemma = self.lemmatizer.lemma(norm)
            lemmas.append(lemma)
            units.append(lemma)
            words[lemma] += 1
            if cfg.skeleton_chars:
                spelled = skeleton(norm)
            elif cfg.translit_chars and CYRILLIC_RE.search(norm):
                spelled = translit(norm)
            else:
                spelled = norm
            padded = f" {spelled} "
            size = len(padded)
            for n in range(cfg.char_min, min(cfg.char_max, size) + 1):
                for i in range(size - n + 1):
                    chars[padded[i : i + n]] += 1
        if cfg.word_bigrams:
            for first, second in itertools.pairwise(lemmas):
                words[f"{first} {second}"] += 1
        concepts = self.lexicon.concepts(units) if self.lexicon else Counter()
        if cfg.question_concepts and concepts.get("question"):
            concepts.update({"q:" + k: 1 for k in list(concepts) if k != "question"})
        if cfg.lead_concepts and self.lexicon and lead:
            first = self.lexicon.concepts(units[:lead])
            concepts.update({"lead:" + k: n for k, n in first.items()})
        return chars, words, concepts


class Vectorizer:
    """Vocabulary and IDF per feature group; builds the weighted sparse vector of one text."""

    def __init__(
        self,
        featurizer: Featurizer,
        vocab: dict[str, int] | None = None,
        idf: Sequence[float] | None = None,
    ) -> None:
        self.featurizer = featurizer
        self.vocab: dict[str, int] = vocab or {}
        self.idf = array("d", [] if idf is None else idf)  # 8 bytes a weight, not a float object

    @property
    def size(self) -> int:
        return len(self.vocab)

    def fit(self, texts: Iterable[str], min_df: int = 1) -> Vectorizer:
        self.fit_transform(texts, min_df)
        return self

    def fit_transform(self, texts: Iterable[str], min_df: int = 1):
        """Fit the vocabulary and return the matrix of the same texts, featurised once."""
        docs = [self.featurizer.counts(t) for t in texts]
        df: Counter[str] = Counter()
        for groups in docs:
            for group, counts in zip(GROUPS, groups, strict=True):
                df.update(group + ":" + key for key in counts)
        n_docs = len(docs)
        keys = sorted(k for k, v in df.items() if v >= min_df)
        self.vocab = {k: i for i, k in enumerate(keys)}
        self.idf = array("d", [math.log((1 + n_docs) / (1 + df[k])) + 1.0 for k in keys])
        return self._matrix([self._weigh(groups) for groups in docs])

    def transform_one(self, text: str) -> tuple[list[int], list[float], float]:
        """Column indices, weights, and the share of the text's features the model knows."""
        return self._weigh(self.featurizer.counts(text))

    def _weigh(self, groups) -> tuple[list[int], list[float], float]:
        cfg = self.featurizer.config
        indices: list[int] = []
        values: list[float] = []
        seen = total = 0
        for group, counts, weight in zip(
            GROUPS,
            groups,
            (cfg.char_weight, cfg.word_weight, cfg.concept_weight),
            strict=True,
        ):
            start = len(indices)
            for key, count in counts.items():
                total += 1
                col = self.vocab.get(group + ":" + key)
                if col is None:
                    continue
                seen += 1
                indices.append(col)
                values.append((1.0 + math.log(count)) * self.idf[col])
            norm = math.sqrt(sum(v * v for v in values[start:]))
            if norm:
                scale = weight / norm
                for i in range(start, len(values)):
                    values[i] *= scale
        return indices, values, (seen / total if total else 0.0)

    def transform(self, texts: Iterable[str]):
        """A scipy CSR matrix of many texts (training and evaluation only)."""
        return self._matrix(self.transform_one(text) for text in texts)

    def _matrix(self, vectors):
        from scipy.sparse import csr_matrix

        data: list[float] = []
        rows: list[int] = []
        cols: list[int] = []
        n = 0
        for n, (idx, vals, _) in enumerate(vectors, start=1):
            cols.extend(idx)
            data.extend(vals)
            rows.extend([n - 1] * len(idx))
        return csr_matrix((data, (rows, cols)), shape=(n, self.size))
