"""Natural-language understanding for CityBot: what does the resident want?

    from citybot.nlu import load_engine
    engine = load_engine()                      # from cache, or trains in a few seconds
    parse = engine.parse("мусорку опять не вывезли")
    parse.intent, parse.confidence, parse.category, parse.entities
    parse.needs_fallback(threshold)             # out_of_scope or not confident: menu + a person

`build_nlu(backend=...)` gives the async service the bot uses (built-in engine or a Rasa
server with the engine as fall-back). No Telegram imports here.
"""

from citybot.nlu.contract import (
    CATEGORIES,
    DEFAULT_THRESHOLD,
    ENTITY_TYPES,
    INTENTS,
    Entity,
    Parse,
)

_LAZY = {"Engine": "engine", "default_engine": "engine", "load_engine": "engine",
         "NLUService": "service", "build_nlu": "service"}


def __getattr__(name: str) -> object:
    """The engine and the service (numpy, scikit-learn) are imported on first use, so that a
    command that needs neither — `citybot run` without a token — answers at once."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"citybot.nlu.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'citybot.nlu' has no attribute {name!r}")


def parse(text: str, lang: str | None = None) -> Parse:
    """Parse with the default engine (loaded on first use). Runtime should hold an `Engine`
    from `load_engine()` or use `build_nlu()` instead."""
    from citybot.nlu.engine import default_engine

    return default_engine().parse(text, lang)


__all__ = [
    "CATEGORIES",
    "DEFAULT_THRESHOLD",
    "ENTITY_TYPES",
    "INTENTS",
    "Engine",
    "Entity",
    "NLUService",
    "Parse",
    "build_nlu",
    "default_engine",
    "load_engine",
    "parse",
]
