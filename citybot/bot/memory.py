"""What a bot process does with its memory once it is built (`citybot run`, each webhook
worker; the benchmark's mimic bot too)."""

from __future__ import annotations

import gc

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetUpdates,
    SendMessage,
    SendPhoto,
)
from aiogram.types import Update

from citybot import lazy_types

# aiogram's models every update and most answers use: built at start-up, not by the first
# resident's update (the rest are built on first use: citybot/lazy_types.py)
FIRST_USED = (Update, GetUpdates, SendMessage, EditMessageText, EditMessageReplyMarkup,
              AnswerCallbackQuery, SendPhoto)


def settle_memory() -> None:
    """Called once the bot is built: what start-up made — imports, the NLU model, the knowledge
    base, the city map, aiogram's models in use — lives as long as the process. Collected once,
    then frozen out of the collector's scans, which would otherwise walk it again and again
    while residents wait (bench_report_flow: about a tenth less CPU per update)."""
    lazy_types.build(FIRST_USED)
    gc.collect()
    gc.freeze()
