"""Versioned callback data of every inline button: bump the prefix when a shape changes,
so that buttons on old messages are recognised as stale instead of misread."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageChoice(CallbackData, prefix="lang1"):
    language: str


class CategoryPick(CallbackData, prefix="cat1"):
    category: str


class ReportAction(CallbackData, prefix="rep1"):
    """A button of the report conversation; `value` carries a field, an index or a number."""

    action: str
    value: str = ""


class OpenReport(CallbackData, prefix="my1"):
    number: int
