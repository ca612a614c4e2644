"""`citybot nlu train | parse | evaluate`.

The main `citybot` CLI calls `register(subparsers)`; each sub-command sets `func(args) -> int`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from citybot.nlu.contract import DEFAULT_THRESHOLD, LANGUAGES


def register(subparsers: argparse._SubParsersAction) -> dict[str, argparse.ArgumentParser]:
    """Adds `citybot nlu`; returns its parsers ("commands", "train") for citybot.bot.nlu_cli,
    which adds what needs the database (review, reload, train --with-reviewed)."""
    nlu = subparsers.add_parser(
        "nlu", help="understand residents' messages (train, parse, evaluate)"
    )
    nlu.set_defaults(func=lambda args: _usage(nlu))
    commands = nlu.add_subparsers(
        dest="nlu_command", metavar="{train,parse,evaluate,review,reload}"
    )

    train = commands.add_parser("train", help="train the built-in model and cache it")
    train.add_argument("--data", nargs="+", type=Path, help="Rasa YAML files or folders")
    train.add_argument("--if-stale", action="store_true",
                       help="only when the cached model is missing or older than the data "
                            "(`make install` runs this, so that no resident waits for it)")
    train.set_defaults(func=cmd_train)

    parse = commands.add_parser("parse", help="print the intent of a text as JSON")
    parse.add_argument("text", nargs="?", help="the text (or use --stdin)")
    parse.add_argument("--lang", choices=LANGUAGES, help="language hint; default: detect")
    parse.add_argument("--stdin", action="store_true", help="one text per line, one JSON per line")
    parse.add_argument("--backend", choices=("builtin", "rasa"),
                       help="default: nlu.backend of config.yml (CITYBOT_CONFIG)")
    parse.add_argument("--rasa-url", help="ask this Rasa server first (fallback: built-in); "
                                          "default: nlu.rasa_url of config.yml")
    parse.add_argument("--timeout", type=float, help="Rasa timeout, seconds; default: "
                                                     "nlu.timeout_s of config.yml")
    parse.set_defaults(func=cmd_parse)

    evaluate = commands.add_parser("evaluate", help="accuracy, F1, confusion, latency")
    evaluate.add_argument(
        "files", nargs="*", type=Path, help="Rasa YAML test data; default: the held-out split"
    )
    evaluate.add_argument("--json", action="store_true", help="print JSON for machines")
    evaluate.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    evaluate.set_defaults(func=cmd_evaluate)
    return {"commands": commands, "train": train}


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def cmd_train(args: argparse.Namespace) -> int:
    if args.if_stale:
        from citybot.nlu.engine import load_engine

        began = time.perf_counter()
        load_engine(args.data)
        print(f"NLU model ready in {time.perf_counter() - began:.1f} s "
              "(trained if the data changed, else read from the cache)")
        return 0
    from citybot.nlu.engine import ACTIVE, active_model, cache_dir, save, train

    engine = train(args.data)
    info = engine.info
    try:
        where = save(engine, cache_dir())
    except OSError as exc:
        where = f"not cached ({exc})"
    print(
        f"trained on {info.examples} examples, {info.features} features, "
        f"in {info.seconds:.2f} s; model: {where}"
    )
    chosen = active_model()
    if chosen is not None and not args.data:
        print(f"note: the model trained with reviewed examples stays in use ({chosen.name}); "
              f"remove {cache_dir() / ACTIVE} to use this one")
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    if not args.stdin and args.text is None:
        print("give a TEXT or --stdin", file=sys.stderr)
        return 2
    texts = (line.rstrip("\r\n") for line in sys.stdin) if args.stdin else [args.text]
    try:
        backend, rasa_url, timeout = nlu_choice(args)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if backend == "rasa":
        return asyncio.run(_parse_with_rasa(rasa_url, timeout, args.lang, texts))
    from citybot.nlu.engine import load_engine

    engine = load_engine()
    for text in texts:
        _print_json(engine.parse(text, args.lang).to_dict())
    return 0


def nlu_choice(args: argparse.Namespace) -> tuple[str, str | None, float]:
    """(backend, Rasa URL, timeout): the `nlu` section of config.yml — the bot's own — with the
    flags over it (`--rasa-url` alone means Rasa). No config file: the built-in model."""
    from citybot.config import ConfigError, Nlu, load_config
    from citybot.settings import load_settings

    path = Path(load_settings().config_path)
    try:
        section = load_config(path).nlu if path.exists() else Nlu()
    except ConfigError as error:
        raise ValueError(str(error)) from None
    backend = args.backend or ("rasa" if args.rasa_url else section.backend)
    rasa_url = args.rasa_url or section.rasa_url
    if backend == "rasa" and not rasa_url:
        raise ValueError("the NLU backend is rasa but no Rasa URL is set: give --rasa-url or "
                         "nlu.rasa_url in config.yml")
    return backend, rasa_url, args.timeout if args.timeout is not None else section.timeout_s


async def _parse_with_rasa(rasa_url: str, timeout: float, lang: str | None, texts) -> int:
    from citybot.nlu.service import build_nlu

    service = build_nlu(backend="rasa", rasa_url=rasa_url, timeout_s=timeout)
    try:
        for text in texts:
            _print_json((await service.parse(text, lang)).to_dict())
    finally:
        await service.close()
    return 0


def _print_json(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cmd_evaluate(args: argparse.Namespace) -> int:
    from citybot.nlu import dataset
    from citybot.nlu.engine import load_engine
    from citybot.nlu.evaluation import evaluate, format_report

    started = time.perf_counter()
    engine = load_engine()
    load_seconds = time.perf_counter() - started
    data = dataset.load(args.files or [dataset.TEST_DIR])
    if not data.examples:
        print("no examples to evaluate", file=sys.stderr)
        return 2
    report = evaluate(engine, data.examples, threshold=args.threshold).to_dict()
    report["model"] = {"load_seconds": round(load_seconds, 3), **engine.info.__dict__}
    if args.json:
        _print_json(report)
    else:
        print(format_report(report))
        print(f"\nmodel loaded (or trained) in {load_seconds:.2f} s")
    return 0
