"""`citybot nlu review`, `citybot nlu train --with-reviewed`, `citybot nlu reload`: the NLU
learns from the officials' corrections (citybot.services.nlu_feedback).

    citybot nlu review                 # each new example: [a]ccept, [d]rop, [s]kip, [q]uit
    citybot nlu review --list          # new examples, one a line: id, language, label, text
    citybot nlu review --accept 3 4 --drop 5      (or --accept-all)
    citybot nlu review --export DIR    # accepted examples as Rasa YAML: DIR/en.yml, DIR/ru.yml
    citybot nlu train --with-reviewed  # data + accepted examples; kept only if not worse
    citybot nlu reload                 # running bots load the active model now
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REVIEWED_DIR = "reviewed"  # under the model cache: the accepted examples the model learnt from


def register(parsers: dict[str, Any]) -> None:
    """Adds `review` and `reload` to `citybot nlu`, and `--with-reviewed` to its `train`."""
    commands = parsers["commands"]
    review = commands.add_parser("review", help="accept or drop examples learnt from officials")
    review.add_argument("--list", action="store_true", help="list the new examples and stop")
    review.add_argument("--accept", nargs="+", type=int, default=[], metavar="ID")
    review.add_argument("--drop", nargs="+", type=int, default=[], metavar="ID")
    review.add_argument("--accept-all", action="store_true", help="accept every new example")
    review.add_argument("--export", type=Path, metavar="DIR",
                        help="write the accepted examples as Rasa YAML (DIR/<lang>.yml)")
    review.set_defaults(func=cmd_review)

    reload = commands.add_parser("reload", help="running bots load the active model now")
    reload.set_defaults(func=cmd_reload)

    train = parsers["train"]
    plain = train.get_default("func")
    train.add_argument("--with-reviewed", action="store_true",
                       help="also learn the accepted examples; keep the model only if it scores "
                            "no lower on the held-out sets")
    train.set_defaults(func=lambda args: cmd_train_reviewed(args) if args.with_reviewed
                       else plain(args))


# ---- database -------------------------------------------------------------------------------

def _run(work: Callable[[Any], Any]) -> Any:
    """`work(session)` in one committed transaction on DATABASE_URL (brought up to date)."""
    from citybot.settings import load_settings
    from citybot.storage.database import make_engine, make_sessionmaker, upgrade

    url = load_settings().database_url
    upgrade(url)

    async def main() -> Any:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _line(example) -> str:
    label = f"{example.intent}/{example.category}" if example.category else example.intent
    where = f", report #{example.report_id}" if example.report_id else ""
    return f"{example.id:>5}  [{example.language}] {label}  ({example.source}{where}): " \
           f"{' '.join(example.text.split())}"


def cmd_review(args: argparse.Namespace) -> int:
    from citybot.storage import nlu_examples
    from citybot.storage.models import NluExampleStatus

    interactive = not (args.list or args.accept or args.drop or args.accept_all or args.export)

    async def work(session) -> int:
        fresh = await nlu_examples.examples(session=session, status=NluExampleStatus.new)
        if args.list or (interactive and not fresh):
            for example in fresh:
                print(_line(example))
            print(f"{len(fresh)} new example(s)")
            return 0
        accept, drop = list(args.accept), list(args.drop)
        if args.accept_all:
            accept += [e.id for e in fresh]
        if interactive:
            if not sys.stdin.isatty():
                print("no terminal: use --list, --accept, --drop or --accept-all",
                      file=sys.stderr)
                return 2
            accept, drop = _ask(fresh)
        overlap = set(accept) & set(drop)
        if overlap:
            print(f"both accepted and dropped: {sorted(overlap)}", file=sys.stderr)
            return 2
        known = {e.id for e in await nlu_examples.examples(session=session,
                                                          ids=accept + drop)}
        missing = sorted(set(accept + drop) - known)
        if missing:
            print(f"no such example: {', '.join(map(str, missing))}", file=sys.stderr)
            return 2
        await nlu_examples.set_status(session=session, ids=accept,
                                      status=NluExampleStatus.accepted)
        await nlu_examples.set_status(session=session, ids=drop,
                                      status=NluExampleStatus.dropped)
        if accept or drop:
            print(f"accepted {len(accept)}, dropped {len(drop)}")
        if args.export:
            written = export(await nlu_examples.examples(
                session=session, status=NluExampleStatus.accepted), args.export)
            for path, count in written.items():
                print(f"{count} accepted example(s) -> {path}")
        return 0

    return _run(work)


def _ask(fresh) -> tuple[list[int], list[int]]:
    accept: list[int] = []
    drop: list[int] = []
    for example in fresh:
        print(_line(example))
        while True:
            answer = input("  [a]ccept, [d]rop, [s]kip, [q]uit? ").strip().lower()[:1]
            if answer in ("a", "d", "s", "q"):
                break
        if answer == "q":
            break
        if answer == "a":
            accept.append(example.id)
        elif answer == "d":
            drop.append(example.id)
    return accept, drop


def export(examples, directory: Path) -> dict[Path, int]:
    """Accepted examples as Rasa YAML, one file per language; returns {file: examples}."""
    from citybot.nlu import dataset

    directory.mkdir(parents=True, exist_ok=True)
    by_lang: dict[str, list[dataset.Example]] = {}
    for e in examples:
        by_lang.setdefault(e.language, []).append(
            dataset.Example(text=e.text, intent=e.intent, category=e.category, lang=e.language))
    written = {}
    for lang, items in sorted(by_lang.items()):
        path = directory / f"{lang}.yml"
        path.write_text(dataset.to_rasa_yaml(
            items, comment="Examples learnt from officials' corrections, accepted with "
                           "`citybot nlu review` (personal data masked)."), encoding="utf-8")
        written[path] = len(items)
    return written


# ---- training with the accepted examples ----------------------------------------------------

def held_out_score(engine) -> dict[str, float]:
    """Share of parses right (intent, and category for reports) on each held-out set."""
    from citybot.nlu import dataset

    scores = {}
    for name, data in (("split", dataset.load_test()), ("unseen", dataset.load_unseen())):
        right = 0
        for ex in data.examples:
            parse = engine.parse(ex.text, ex.lang)
            right += parse.intent == ex.intent and parse.category == ex.category
        scores[name] = right / len(data.examples) if data.examples else 0.0
    scores["both"] = (scores["split"] + scores["unseen"]) / 2
    return scores


def cmd_train_reviewed(args: argparse.Namespace) -> int:
    from citybot.nlu import dataset
    from citybot.nlu.engine import activate, cache_dir, load_engine, train
    from citybot.nlu.text import normalize
    from citybot.storage import nlu_examples
    from citybot.storage.models import NluExampleStatus

    async def accepted(session):
        return await nlu_examples.examples(session=session, status=NluExampleStatus.accepted)

    rows = _run(accepted)
    held_out = {normalize(ex.text) for ex in
                dataset.load_test().examples + dataset.load_unseen().examples}
    kept = [e for e in rows if normalize(e.text) not in held_out]  # keep the held-out sets unseen
    directory = cache_dir() / REVIEWED_DIR
    for old in directory.glob("*.yml"):
        old.unlink()
    export(kept, directory)
    current = load_engine()
    new = train([*(args.data or [dataset.TRAIN_DIR]), directory])
    before, after = held_out_score(current), held_out_score(new)
    print(f"trained on {new.info.examples} examples ({len(kept)} accepted from review) in "
          f"{new.info.seconds:.2f} s")
    print(f"held-out sets, parses right: current model {_fmt(before)}; new model {_fmt(after)}")
    if after["both"] < before["both"]:
        print("the new model scores lower: the current one stays in use")
        return 1
    where = activate(new)
    print(f"the new model is active: {where}; `citybot nlu reload` (or a restart) puts it to "
          "work in running bots")
    return 0


def _fmt(score: dict[str, float]) -> str:
    return f"{score['both']:.1%} (split {score['split']:.1%}, unseen {score['unseen']:.1%})"


def cmd_reload(args: argparse.Namespace) -> int:
    from citybot.nlu.engine import active_model, request_reload

    stamp = request_reload()
    model = active_model()
    print(f"reload requested ({stamp}); running bots load "
          f"{model.name if model else 'the default model'} within seconds")
    return 0
