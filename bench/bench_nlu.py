"""NLU benchmark: accuracy on both held-out sets, calibration, latency, load, training, memory.

The held-out split (data/test) was written beside the training data; the unseen set
(data/unseen) apart from it, as residents write (typos, slang, transliteration, two problems
in one message), so it shows what the bot gets right on text it has never seen.

    python bench/bench_nlu.py [--json PATH]

Exits non-zero when a target is missed. Load time, memory and the cold first pass are measured
in a fresh Python process, from a freshly written cache, as the bot would start.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {
    "intent_accuracy": 0.95,  # per language, held-out split
    "category_accuracy": 0.93,  # per language, reports of the held-out split
    "unseen_intent_accuracy": 0.96,  # per language, unseen set
    "unseen_category_accuracy": 0.93,  # per language, reports of the unseen set
    "unseen_out_of_scope_recall": 0.90,
    "language_gap": 0.03,  # intent accuracy, en vs ru
    "latency_median_ms": 1.0,
    "latency_p99_ms": 5.0,
    "load_seconds": 2.0,
    "memory_mb": 150.0,
    "process_memory_mb": 150.0,  # the whole process (Python, numpy, the model), not the delta
}
MIN_PARSES = 2000

# Runs in a fresh interpreter: RSS before anything of ours is imported, then load and parse.
_CHILD = r"""
import json, statistics, sys, time

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

before = rss_mb()
started = time.perf_counter()
from citybot.nlu import dataset, load_engine
engine = load_engine()
load_seconds = time.perf_counter() - started
examples = dataset.load_test().examples
cold = []
for ex in examples:
    t = time.perf_counter()
    engine.parse(ex.text, ex.lang)
    cold.append((time.perf_counter() - t) * 1000)
after = rss_mb()
json.dump({"load_seconds": load_seconds, "rss_before_mb": before, "rss_after_mb": after,
           "cold_median_ms": statistics.median(cold), "cold_max_ms": max(cold)}, sys.stdout)
"""


def _child_measurements(cache: Path) -> dict:
    env = {**os.environ, "CITYBOT_NLU_CACHE": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def measure() -> dict:
    from citybot.nlu import dataset
    from citybot.nlu.engine import save, train
    from citybot.nlu.evaluation import evaluate

    started = time.perf_counter()
    engine = train()
    train_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="citybot-nlu-bench-") as tmp:
        save(engine, Path(tmp))
        child = _child_measurements(Path(tmp))
    report = evaluate(engine, dataset.load_test().examples, min_parses=MIN_PARSES).to_dict()
    unseen = evaluate(engine, dataset.load_unseen().examples, min_parses=0).to_dict()
    return {
        "train_seconds": round(train_seconds, 3),
        "training_examples": engine.info.examples,
        "features": engine.info.features,
        "load_seconds": round(child["load_seconds"], 3),
        "memory_mb": round(child["rss_after_mb"] - child["rss_before_mb"], 1),
        "process_memory_mb": round(child["rss_after_mb"], 1),
        "cold_pass_median_ms": round(child["cold_median_ms"], 4),
        "cold_pass_max_ms": round(child["cold_max_ms"], 3),
        "latency_ms": report["latency_ms"],
        "accuracy": {
            lang: {
                "examples": report[lang]["examples"],
                "intent_accuracy": report[lang]["intent_accuracy"],
                "intent_macro_f1": report[lang]["intent_macro_f1"],
                "category_accuracy": report[lang]["category_accuracy"],
                "fallback_rate": report[lang]["fallback_rate"],
                "confident_errors": report[lang]["confident_errors"],
            }
            for lang in ("all", "en", "ru")
        },
        "entities": report["all"]["entities"],
        "sets": {
            name: {
                lang: {
                    key: rep[lang][key]
                    for key in ("examples", "intent_accuracy", "category_accuracy",
                                "out_of_scope_recall", "confident_errors", "reliability",
                                "confusion_pairs")
                }
                for lang in ("all", "en", "ru")
            }
            for name, rep in (("split", report), ("unseen", unseen))
        },
    }


def check(results: dict) -> list[tuple[str, float, str, float, bool]]:
    """(what, measured, comparison, target, ok) for every target."""
    acc = results["accuracy"]
    rows = []
    for lang in ("en", "ru"):
        for key in ("intent_accuracy", "category_accuracy"):
            value = acc[lang][key]
            rows.append((f"{key} [{lang}]", value, ">=", TARGETS[key], value >= TARGETS[key]))
    unseen = results["sets"]["unseen"]
    for lang in ("en", "ru"):
        for key in ("intent_accuracy", "category_accuracy"):
            value = unseen[lang][key]
            target = TARGETS[f"unseen_{key}"]
            rows.append((f"unseen {key} [{lang}]", value, ">=", target, value >= target))
    value = unseen["all"]["out_of_scope_recall"]
    target = TARGETS["unseen_out_of_scope_recall"]
    rows.append(("unseen out-of-scope recall", value, ">=", target, value >= target))
    gap = abs(acc["en"]["intent_accuracy"] - acc["ru"]["intent_accuracy"])
    rows.append(("language gap (intent)", gap, "<=", TARGETS["language_gap"],
                 gap <= TARGETS["language_gap"] + 1e-9))  # fmt: skip
    lat = results["latency_ms"]
    for key, value in (("latency_median_ms", lat["median"]), ("latency_p99_ms", lat["p99"])):
        rows.append((key, value, "<=", TARGETS[key], value <= TARGETS[key]))
    for key in ("load_seconds", "memory_mb", "process_memory_mb"):
        rows.append((key, results[key], "<=", TARGETS[key], results[key] <= TARGETS[key]))
    return rows


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    results = measure()
    rows = check(results)
    acc = results["accuracy"]
    print("CityBot NLU benchmark (built-in engine; held-out split and unseen set)")
    print(f"  training: {results['training_examples']} examples, {results['features']} "
          f"features, {results['train_seconds']:.2f} s")  # fmt: skip
    for lang in ("all", "en", "ru"):
        a = acc[lang]
        print(
            f"  [{lang}] {a['examples']} examples: intent {a['intent_accuracy']:.1%} "
            f"(macro-F1 {a['intent_macro_f1']:.1%}), category {a['category_accuracy']:.1%}, "
            f"fallback {a['fallback_rate']:.1%}, confident errors {a['confident_errors']}"
        )
    lat = results["latency_ms"]
    print(f"  latency over {lat['parses']} parses: median {lat['median']:.3f} ms, "
          f"p99 {lat['p99']:.3f} ms (cold first pass: median {results['cold_pass_median_ms']:.3f}"
          f" ms, max {results['cold_pass_max_ms']:.1f} ms)")  # fmt: skip
    print(f"  load from cache {results['load_seconds']:.2f} s, memory {results['memory_mb']:.0f} MB"
          f" (RSS delta in a fresh process; the whole process: "
          f"{results['process_memory_mb']:.0f} MB)")  # fmt: skip
    for name, title in (("split", "held-out split"), ("unseen", "unseen set")):
        print(f"\n  {title}:")
        for lang in ("all", "en", "ru"):
            a = results["sets"][name][lang]
            r = a["reliability"]
            print(
                f"    [{lang}] {a['examples']} examples: intent {a['intent_accuracy']:.1%}, "
                f"category {a['category_accuracy']:.1%}, out-of-scope recall "
                f"{a['out_of_scope_recall']:.1%}; confidence >= {r['threshold']}: "
                f"{r['above']['parses']} parses, {_pct(r['above']['accuracy'])} right; below: "
                f"{r['below']['parses']}, {_pct(r['below']['accuracy'])} right; "
                f"ECE {r['ece']:.3f}; says 1.0: {r['says_one']:.0%}"
            )
            if lang != "all":
                pairs = a["confusion_pairs"]
                print("      wrong: " + (", ".join(
                    f"{gold} -> {got}" + (f" x{n}" if n > 1 else "") for gold, got, n in pairs
                ) or "none"))  # fmt: skip
        bins = results["sets"][name]["all"]["reliability"]["bins"]
        print("    reliability (confidence bin: parses, accuracy): " + "; ".join(
            f"[{b['from']}, {b['to']}): {b['parses']}, {_pct(b['accuracy'])}" for b in bins
        ))  # fmt: skip
    print("\n  entities F1: " + ", ".join(
        f"{k} {v['f1']:.0%}" for k, v in results["entities"].items()))  # fmt: skip
    print("\ntargets")
    for what, value, op, target, ok in rows:
        print(f"  {'ok  ' if ok else 'MISS'} {what:28} {value:>9.4g} {op} {target:g}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"results": results, "targets": TARGETS}, indent=2))
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
