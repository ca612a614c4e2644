"""Every word the bot says lives in Fluent files: citybot/locales/<lang>/*.ftl.

Messages are sent with HTML parse mode, so string arguments are HTML-escaped on the way in;
wrap an already formatted fragment in `Html` to pass it through unchanged.
"""

from __future__ import annotations

import html
from pathlib import Path

from fluent.runtime import FluentLocalization, FluentResourceLoader
from fluent.runtime.types import fluent_number
from fluent.syntax import FluentParser, ast

LANGUAGES = ("en", "ru")
LOCALES_DIR = Path(__file__).parent / "locales"


class Html(str):
    """A string that is already safe HTML (built from escaped parts)."""


def pick_language(code: str | None, default: str) -> str:
    """Telegram's language_code (e.g. "ru", "ru-RU", "en-GB", "uk") → one of ours."""
    if code:
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default


def _escape(value: object) -> object:
    if isinstance(value, Html):
        return str(value)
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, int) and not isinstance(value, bool):
        return fluent_number(value, useGrouping=False)  # "#1234", not "#1,234"; plurals still work
    return value


_CACHEABLE = frozenset({str, Html, int, float})
_FORMATTED_KEPT = 4096


class Texts:
    """The wording of one language: `texts("menu-report")`, `texts("report-created", number=7)`."""

    def __init__(self, lang: str, localization: FluentLocalization) -> None:
        self.lang = lang
        self._l10n = localization
        self._plain: dict[str, str] = {}  # messages without arguments, formatted once
        # messages with simple arguments (a step's "up to 5 photos"), formatted once per values
        self._formatted: dict[tuple, str] = {}

    def __call__(self, key: str, **args: object) -> str:
        if not args:
            if key not in self._plain:
                self._plain[key] = self._l10n.format_value(key)
            return self._plain[key]
        if not all(type(value) in _CACHEABLE for value in args.values()):
            return self._format(key, args)
        # the type is part of the key: Html("<b>") equals "<b>" but is not escaped
        cache_key = (key, *((name, type(value), value) for name, value in args.items()))
        text = self._formatted.get(cache_key)
        if text is None:
            if len(self._formatted) >= _FORMATTED_KEPT:
                self._formatted.clear()  # a crude bound: unique texts (descriptions) pass by
            text = self._formatted[cache_key] = self._format(key, args)
        return text

    def _format(self, key: str, args: dict[str, object]) -> str:
        escaped = {name: _escape(value) for name, value in args.items()}
        return self._l10n.format_value(key, escaped)


class Translator:
    """Loads every .ftl file of every language once; hands out `Texts` per language."""

    def __init__(self, locales_dir: Path = LOCALES_DIR, default: str = "en") -> None:
        self.default = default
        loader = FluentResourceLoader(str(locales_dir / "{locale}"))
        resource_ids = sorted({p.name for p in locales_dir.glob("*/*.ftl")})
        self._texts = {
            lang: Texts(lang, FluentLocalization([lang, "en"], resource_ids, loader))
            for lang in LANGUAGES
        }
        self._all: dict[str, frozenset[str]] = {}

    def __call__(self, lang: str | None) -> Texts:
        return self._texts.get(lang or self.default, self._texts[self.default])

    def all(self, key: str) -> frozenset[str]:
        """The same message in every language (for buttons matched by their text)."""
        if key not in self._all:
            self._all[key] = frozenset(texts(key) for texts in self._texts.values())
        return self._all[key]


def message_ids(lang: str, locales_dir: Path = LOCALES_DIR) -> set[str]:
    """Ids defined for a language; tests use it to keep the languages in step."""
    parser = FluentParser()
    ids: set[str] = set()
    for path in (locales_dir / lang).glob("*.ftl"):
        resource = parser.parse(path.read_text(encoding="utf-8"))
        ids.update(entry.id.name for entry in resource.body if isinstance(entry, ast.Message))
    return ids
