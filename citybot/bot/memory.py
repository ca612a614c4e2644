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
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Location,
    Message,
    PhotoSize,
    PollAnswer,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    User,
)

from citybot import lazy_types

# aiogram's models every update and most answers use, built at start-up rather than by the
# first resident's update (the rest are built on first use: citybot/lazy_types.py). Each on
# its own: a type only built inside another's schema (Message inside Update's) is validated
# at half the speed where it stands alone (Telegram's answer to sendMessage is a Message).
FIRST_USED = (Update, Message, CallbackQuery, PollAnswer, User, Chat, Location, PhotoSize,
              InlineKeyboardMarkup, InlineKeyboardButton, ReplyKeyboardMarkup, KeyboardButton,
              ReplyKeyboardRemove, GetUpdates, SendMessage, EditMessageText,
              EditMessageReplyMarkup, AnswerCallbackQuery, SendPhoto)


# The cyclic collector's thresholds while the bot serves (CPython's are 700, 10, 10). An update
# makes a thousand or so objects that live for milliseconds, most freed by their reference
# counts; at 700 the collector ran every update or two, and walked the older generations every
# ten and hundred runs (gen 2: 20-40 ms each), ~0.2 ms of every update's CPU in all. Less often,
# the young die before any walk sees them (bench: 5-7 % less CPU per update); a full walk still
# comes every few thousand updates, so cycles that outlive it do not pile up.
COLLECTOR_THRESHOLDS = (20_000, 20, 10)


def settle_memory() -> None:
    """Called once the bot is built: what start-up made — imports, the NLU model, the knowledge
    base, the city map, aiogram's models in use — lives as long as the process. Collected once,
    then frozen out of the collector's scans, which would otherwise walk it again and again
    while residents wait (bench_report_flow: about a tenth less CPU per update); the collector
    runs less often from then on (COLLECTOR_THRESHOLDS)."""
    lazy_types.build(FIRST_USED)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
