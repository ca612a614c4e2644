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
from citybot.nlu.engine import Engine, default_engine, load_engine
from citybot.nlu.service import NLUService, build_nlu


def parse(text: str, lang: str | None = None) -> Parse:
    """Parse with the default engine (loaded on first use). Runtime should hold an `Engine`
    from `load_engine()` or use `build_nlu()` instead."""
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
