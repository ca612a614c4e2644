"""Keyboard builders: plain functions from wording to markup.

A markup depends only on its arguments (wording is fixed once loaded), so the ones every
conversation shows are built once per language and shared: nothing changes a markup after
it is built (aiogram only reads it to send it).
"""

from __future__ import annotations

from functools import lru_cache

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder, ReplyKeyboardBuilder

from citybot.config import CityConfig
from citybot.dialogs.callbacks import CategoryPick, LanguageChoice, ReportAction
from citybot.i18n import LANGUAGES, Texts, Translator


@lru_cache(maxsize=64)
def main_menu(texts: Texts) -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    builder.button(text=texts("menu-report"))
    builder.button(text=texts("menu-my-reports"))
    builder.button(text=texts("menu-ask"))
    builder.button(text=texts("menu-ideas"))
    builder.button(text=texts("menu-settings"))
    builder.button(text=texts("menu-privacy"))
    builder.adjust(1, 2, 2)
    return builder.as_markup(
        resize_keyboard=True, input_field_placeholder=texts("menu-placeholder")
    )


def language_picker(translator: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for language in LANGUAGES:
        name = translator(language)("language-name")
        builder.button(text=name, callback_data=LanguageChoice(language=language))
    return builder.as_markup()


def category_picker(config: CityConfig, texts: Texts) -> InlineKeyboardMarkup:
    key = (id(config), texts.lang)
    if key not in _pickers or _pickers[key][0] is not config:
        _pickers[key] = (config, _build_category_picker(config, texts))
    return _pickers[key][1]


_pickers: dict[tuple[int, str], tuple[CityConfig, InlineKeyboardMarkup]] = {}


def _build_category_picker(config: CityConfig, texts: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for category in config.categories:
        builder.button(
            text=f"{category.emoji} {category.name.get(texts.lang)}",
            callback_data=CategoryPick(category=category.id),
        )
    builder.adjust(2)
    return builder.as_markup()


@lru_cache(maxsize=1024)
def buttons(*pairs: tuple[str, str] | tuple[str, str, str], texts: Texts,
            width: int = 2) -> InlineKeyboardMarkup:
    """Inline buttons of the report conversation: (wording key, action[, value])."""
    builder = InlineKeyboardBuilder()
    for key, action, *value in pairs:
        label = texts(key, number=value[0]) if value else texts(key)
        builder.button(text=label, callback_data=ReportAction(action=action,
                                                             value=value[0] if value else ""))
    builder.adjust(width)
    return builder.as_markup()


def choices(labels: list[str], action: str, extra: list[tuple[str, str]] | None = None,
            texts: Texts | None = None) -> InlineKeyboardMarkup:
    """One button a line for each label (its index is the value), then any extra buttons."""
    builder = InlineKeyboardBuilder()
    for index, label in enumerate(labels):
        builder.button(text=label[:60], callback_data=ReportAction(action=action, value=str(index)))
    for key, extra_action in extra or []:
        builder.button(text=texts(key), callback_data=ReportAction(action=extra_action))
    builder.adjust(1)
    return builder.as_markup()


@lru_cache(maxsize=64)
def location_request(texts: Texts) -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    builder.button(text=texts("button-share-location"), request_location=True)
    return builder.as_markup(resize_keyboard=True, one_time_keyboard=True,
                             input_field_placeholder=texts("menu-placeholder"))
