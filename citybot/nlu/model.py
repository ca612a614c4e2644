"""The intent classifier: a linear model over the features of features.py.

Labels are flat: the eight intents plus `report_problem/<category>`, so one model gives both the
intent (its labels' probabilities summed) and the category. Training uses scikit-learn's
LinearSVC (0.15 s here; logistic regression scored no better and took 0.8-12 s); its scores become
probabilities through a softmax whose temperature is fitted so that "confidence 0.6" means right
about 60% of the time: on the held-out split (text written apart from training, as unseen text
is), else on cross-validated scores, which are too easy and make the model overconfident. The
category of a report has a temperature of its own, over the report labels alone. Inference
needs numpy only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class LinearModel:
    labels: list[str]
    weights: np.ndarray  # (n_features, n_labels), float32
    bias: np.ndarray  # (n_labels,)
    temperature: float
    category_temperature: float | None = None  # None: the same as `temperature`

    def scores(self, indices: Sequence[int], values: Sequence[float]) -> np.ndarray:
        if not indices:
            return self.bias.astype(np.float64)
        rows = self.weights[np.asarray(indices, dtype=np.int64)]
        return np.asarray(values, dtype=np.float32) @ rows + self.bias

    def proba(self, indices: Sequence[int], values: Sequence[float]) -> np.ndarray:
        return softmax(self.scores(indices, values), self.temperature)

    def __post_init__(self) -> None:
        if self.category_temperature is None:
            self.category_temperature = self.temperature


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = np.asarray(scores, dtype=np.float64) / temperature
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def _svm(C: float):
    from sklearn.svm import LinearSVC

    return LinearSVC(C=C, random_state=0, max_iter=5000)


def fit_linear(X, y: Sequence[str], C: float) -> tuple[list[str], np.ndarray, np.ndarray]:
    clf = _svm(C).fit(X, list(y))
    labels = [str(label) for label in clf.classes_]
    return labels, clf.coef_.T.astype(np.float32).copy(), clf.intercept_.astype(np.float32)


def cross_val_scores(
    X,
    y: Sequence[str],
    labels: list[str],
    strata: Sequence[str],
    groups: Sequence[int],
    C: float,
    folds: int = 5,
) -> np.ndarray:
    """Out-of-fold decision scores, columns in `labels` order (deterministic folds).

    Rows of one group (an example and its transliterated copy) stay in one fold, or the copy
    would leak the answer and make the confidences look better than they are."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.asarray(y)
    out = np.zeros((len(y), len(labels)))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(np.zeros(len(y)), np.asarray(strata), np.asarray(groups)):
        fold_labels, weights, bias = fit_linear(X[train], y[train], C)
        cols = [labels.index(label) for label in fold_labels]
        out[np.ix_(test, cols)] = X[test] @ weights + bias
        missing = [i for i, label in enumerate(labels) if label not in fold_labels]
        out[np.ix_(test, missing)] = -10.0
    return out


def fit_temperature(scores: np.ndarray, y: Sequence[str], labels: list[str]) -> float:
    """The softmax temperature that minimises the log-loss of out-of-fold scores."""
    target = np.array([labels.index(label) for label in y])

    def nll(log_t: float) -> float:
        p = softmax(scores, math.exp(log_t))
        return float(-np.mean(np.log(p[np.arange(len(target)), target] + 1e-12)))

    grid = np.linspace(math.log(0.02), math.log(5.0), 120)
    best = min(grid, key=nll)
    step = grid[1] - grid[0]
    fine = np.linspace(best - step, best + step, 41)
    return float(math.exp(min(fine, key=nll)))
