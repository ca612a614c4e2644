"""Evaluate the engine on labelled examples (by default the held-out test split).

Reports, overall and per language: intent accuracy and macro-F1, category accuracy (on reports,
end to end: a report classified as another intent counts as a wrong category), the intent
confusion matrix, entity precision/recall/F1 (exact spans), how the confidence threshold
splits right from wrong, and parse latency (median and p99 over at least 2,000 parses).
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from citybot.nlu.contract import DEFAULT_THRESHOLD, ENTITY_TYPES, INTENTS, OUT_OF_SCOPE, Parse
from citybot.nlu.dataset import Example
from citybot.nlu.engine import Engine

MIN_TIMED_PARSES = 2000


@dataclass
class Prediction:
    example: Example
    parse: Parse
    seconds: float

    @property
    def intent_ok(self) -> bool:
        return self.parse.intent == self.example.intent

    @property
    def category_ok(self) -> bool:
        return self.parse.category == self.example.category


@dataclass
class Report:
    predictions: list[Prediction]
    latencies_ms: list[float] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        langs = sorted({p.example.lang for p in self.predictions})
        out: dict[str, Any] = {"all": summarize(self.predictions, self.threshold)}
        for lang in langs:
            out[lang] = summarize(
                [p for p in self.predictions if p.example.lang == lang], self.threshold
            )
        out["latency_ms"] = latency(self.latencies_ms)
        out["errors"] = [
            {
                "lang": p.example.lang,
                "text": p.example.text,
                "expected": p.example.label,
                "got": _label(p.parse),
                "confidence": round(p.parse.confidence, 3),
            }
            for p in self.predictions
            if not (p.intent_ok and p.category_ok)
        ]
        return out


def latency(samples_ms: Sequence[float]) -> dict[str, float]:
    if not samples_ms:
        return {"parses": 0, "median": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "parses": len(ordered),
        "median": round(statistics.median(ordered), 4),
        "p99": round(p99, 4),
        "max": round(ordered[-1], 4),
    }


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def summarize(predictions: Sequence[Prediction], threshold: float) -> dict[str, Any]:
    n = len(predictions)
    if not n:
        return {"examples": 0}
    intents = [i for i in INTENTS if any(p.example.intent == i for p in predictions)]
    per_intent = {}
    for intent in intents:
        tp = sum(p.example.intent == intent and p.parse.intent == intent for p in predictions)
        fp = sum(p.example.intent != intent and p.parse.intent == intent for p in predictions)
        fn = sum(p.example.intent == intent and p.parse.intent != intent for p in predictions)
        per_intent[intent] = round(_f1(tp, fp, fn)[2], 4)
    reports = [p for p in predictions if p.example.category]
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for p in predictions:
        confusion[p.example.intent][p.parse.intent] += 1
    confident = [p for p in predictions if p.parse.is_confident(threshold)]
    confident_wrong = [p for p in confident if not (p.intent_ok and p.category_ok)]
    oos = [p for p in predictions if p.example.intent == OUT_OF_SCOPE]
    return {
        "examples": n,
        "intent_accuracy": round(sum(p.intent_ok for p in predictions) / n, 4),
        "intent_macro_f1": round(sum(per_intent.values()) / len(per_intent), 4),
        "intent_f1": per_intent,
        "category_examples": len(reports),
        "category_accuracy": round(sum(p.category_ok for p in reports) / len(reports), 4)
        if reports
        else None,
        "confusion": {gold: dict(row) for gold, row in confusion.items()},
        "entities": entity_scores(predictions),
        "threshold": threshold,
        "fallback_rate": round(1 - len(confident) / n, 4),
        "confident_accuracy": round(1 - len(confident_wrong) / len(confident), 4)
        if confident
        else None,
        "confident_errors": len(confident_wrong),
        "out_of_scope_recall": round(sum(p.intent_ok for p in oos) / len(oos), 4) if oos else None,
        "reliability": reliability(predictions, threshold),
        "confusion_pairs": confusion_pairs(predictions),
    }


def _label(parse: Parse) -> str:
    return f"{parse.intent}/{parse.category}" if parse.category else parse.intent


def confusion_pairs(predictions: Sequence[Prediction]) -> list[tuple[str, str, int]]:
    """(expected label, predicted label, how many) of the wrong parses, most frequent first."""
    pairs = Counter(
        (p.example.label, _label(p.parse))
        for p in predictions
        if not (p.intent_ok and p.category_ok)
    )
    return [(gold, got, n) for (gold, got), n in pairs.most_common()]


RELIABILITY_BINS = (0.0, 0.55, 0.8, 0.95, 0.99, 1.0)


def reliability(predictions: Sequence[Prediction], threshold: float) -> dict[str, Any]:
    """How far the confidence can be trusted: accuracy (intent and category right) of the parses
    above and below the threshold, per confidence bin, the expected calibration error (mean
    |confidence - accuracy| over ten bins, weighted), and the share of parses that say 1.0."""
    def acc(group: Sequence[Prediction]) -> float | None:
        return round(sum(p.intent_ok and p.category_ok for p in group) / len(group), 4) \
            if group else None

    n = len(predictions)
    above = [p for p in predictions if p.parse.confidence >= threshold]
    below = [p for p in predictions if p.parse.confidence < threshold]
    bins = []
    for lo, hi in itertools.pairwise(RELIABILITY_BINS):
        group = [p for p in predictions
                 if lo <= p.parse.confidence < hi or (hi == 1.0 and p.parse.confidence == 1.0)]
        bins.append({"from": lo, "to": hi, "parses": len(group), "accuracy": acc(group)})
    ece = 0.0
    for k in range(10):
        lo, hi = k / 10, (k + 1) / 10
        group = [p for p in predictions
                 if lo < p.parse.confidence <= hi or (k == 0 and p.parse.confidence == 0)]
        if group:
            mean_conf = sum(p.parse.confidence for p in group) / len(group)
            ece += len(group) / n * abs(mean_conf - (acc(group) or 0.0))
    return {
        "threshold": threshold,
        "above": {"parses": len(above), "accuracy": acc(above)},
        "below": {"parses": len(below), "accuracy": acc(below)},
        "bins": bins,
        "ece": round(ece, 4),
        "says_one": round(sum(round(p.parse.confidence, 4) >= 1.0 for p in predictions) / n, 4),
        "mean_confidence": round(sum(p.parse.confidence for p in predictions) / n, 4),
        "accuracy": acc(predictions),
    }


def entity_scores(predictions: Sequence[Prediction]) -> dict[str, dict[str, float]]:
    counts = {kind: [0, 0, 0] for kind in ENTITY_TYPES}  # tp, fp, fn
    for p in predictions:
        gold = {(s.entity, s.start, s.end) for s in p.example.entities}
        got = {(e.entity, e.start, e.end) for e in p.parse.entities}
        for kind, *_ in gold & got:
            counts[kind][0] += 1
        for kind, *_ in got - gold:
            counts[kind][1] += 1
        for kind, *_ in gold - got:
            counts[kind][2] += 1
    out = {}
    for kind, (tp, fp, fn) in counts.items():
        if tp + fp + fn:
            precision, recall, f1 = _f1(tp, fp, fn)
            out[kind] = {
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "support": tp + fn,
            }
    return out


def evaluate(
    engine: Engine,
    examples: Sequence[Example],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_parses: int = MIN_TIMED_PARSES,
) -> Report:
    """Parse every example once for the scores, then again until `min_parses` are timed."""
    predictions = []
    for ex in examples:
        started = time.perf_counter()
        parse = engine.parse(ex.text, ex.lang)
        predictions.append(Prediction(ex, parse, time.perf_counter() - started))
    latencies = [p.seconds * 1000 for p in predictions]
    while examples and len(latencies) < min_parses:
        for ex in examples:
            started = time.perf_counter()
            engine.parse(ex.text, ex.lang)
            latencies.append((time.perf_counter() - started) * 1000)
    return Report(predictions, latencies, threshold)


def format_report(report: dict[str, Any]) -> str:
    """The evaluation as text for people."""
    lines: list[str] = []
    langs = [k for k in report if k not in ("all", "latency_ms", "errors")]
    header = f"{'':28}" + "".join(f"{k:>10}" for k in ["all", *langs])
    lines.append(header)

    def row(title: str, key: str, pct: bool = True) -> None:
        cells = []
        for scope in ["all", *langs]:
            value = report[scope].get(key)
            if value is None:
                cells.append(f"{'-':>10}")
            elif pct:
                cells.append(f"{value * 100:>9.1f}%")
            else:
                cells.append(f"{value:>10}")
        lines.append(f"{title:28}" + "".join(cells))

    row("examples", "examples", pct=False)
    row("intent accuracy", "intent_accuracy")
    row("intent macro-F1", "intent_macro_f1")
    row("category accuracy", "category_accuracy")
    row("fallback rate (< threshold)", "fallback_rate")
    row("accuracy when confident", "confident_accuracy")
    row("confident errors", "confident_errors", pct=False)
    lat = report["latency_ms"]
    lines.append(
        f"\nparse latency over {lat['parses']} parses: median {lat['median']:.3f} ms, "
        f"p99 {lat['p99']:.3f} ms, max {lat['max']:.3f} ms"
    )
    lines.append("\nentities (exact spans)        precision   recall       F1  support")
    for kind, s in report["all"]["entities"].items():
        lines.append(
            f"  {kind:26}{s['precision'] * 100:>10.1f}{s['recall'] * 100:>9.1f}"
            f"{s['f1'] * 100:>9.1f}{s['support']:>9}"
        )
    lines.append("\nintent confusion (rows: expected, columns: predicted)")
    confusion = report["all"]["confusion"]
    present = [i for i in INTENTS if i in confusion or any(i in r for r in confusion.values())]
    short = {
        i: i.replace("report_problem", "report")
        .replace("human_handoff", "handoff")
        .replace("out_of_scope", "oos")
        .replace("faq_", "")[:9]
        for i in present
    }
    lines.append(f"{'':16}" + "".join(f"{short[i]:>10}" for i in present))
    for gold in present:
        counts = confusion.get(gold, {})
        lines.append(
            f"{short[gold]:16}" + "".join(f"{counts.get(i, 0) or '.':>10}" for i in present)
        )
    if report["errors"]:
        lines.append(f"\nerrors ({len(report['errors'])})")
        for err in report["errors"]:
            lines.append(
                f"  [{err['lang']}] {err['expected']} -> {err['got']} "
                f"({err['confidence']:.2f}): {err['text']}"
            )
    return "\n".join(lines)
