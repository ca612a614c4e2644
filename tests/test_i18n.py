import re
from pathlib import Path

from fluent.syntax import FluentParser, ast

from citybot.i18n import LOCALES_DIR, Html, Translator, message_ids, pick_language


def test_every_message_exists_in_both_languages() -> None:
    english, russian = message_ids("en"), message_ids("ru")
    assert english, "no English messages found"
    assert english - russian == set(), f"missing in Russian: {sorted(english - russian)}"
    assert russian - english == set(), f"missing in English: {sorted(russian - english)}"


def literal_texts(lang: str) -> dict[str, str]:
    """The words each message spells out itself (its placeables left out)."""
    parser = FluentParser()
    texts: dict[str, str] = {}
    for path in (LOCALES_DIR / lang).glob("*.ftl"):
        for entry in parser.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(entry, ast.Message) and entry.value is not None:
                texts[entry.id.name] = "".join(
                    element.value for element in entry.value.elements
                    if isinstance(element, ast.TextElement))
    return texts


def test_russian_texts_are_russian() -> None:
    for key, value in sorted(literal_texts("ru").items()):
        if key.startswith("language-name"):
            continue
        letters = re.findall(r"[A-Za-zА-Яа-яЁё]", re.sub(r"<[^>]+>|/\w+|#\w+", "", value))
        if len(letters) < 8:
            continue
        cyrillic = sum(1 for ch in letters if re.match(r"[А-Яа-яЁё]", ch))
        assert cyrillic / len(letters) > 0.5, f"{key} does not read as Russian: {value!r}"


def test_same_files_in_both_languages() -> None:
    names = {lang: {p.name for p in (LOCALES_DIR / lang).glob("*.ftl")} for lang in ("en", "ru")}
    assert names["en"] == names["ru"]


def test_arguments_are_escaped_unless_marked_safe() -> None:
    texts = Translator()("en")
    assert "&lt;b&gt;" in texts("start-greeting", name="<b>", city="X")
    assert "<i>x</i>" in texts("start-greeting", name=Html("<i>x</i>"), city="X")


def test_language_codes_map_to_ours() -> None:
    assert pick_language("ru-RU", "en") == "ru"
    assert pick_language("en-GB", "ru") == "en"
    assert pick_language("uk", "ru") == "ru"
    assert pick_language(None, "en") == "en"


def test_locale_files_are_utf8() -> None:
    for path in Path(LOCALES_DIR).glob("*/*.ftl"):
        path.read_text(encoding="utf-8")


def test_numbers_are_not_grouped_but_plurals_still_work() -> None:
    for lang in ("en", "ru"):
        texts = Translator()(lang)
        assert "#12345" in texts("report-already-sent", number=12345)
    assert Translator()("ru")("age-days", n=2) == "2 дня назад"
    assert Translator()("ru")("age-days", n=5) == "5 дней назад"


def test_formatted_messages_are_kept_apart_by_the_type_of_their_arguments() -> None:
    """Texts keeps a message formatted with simple arguments; a plain string and the same
    characters marked safe are two different messages (escaped, and not)."""
    texts = Translator()("en")
    escaped = texts("start-greeting", name="<i>x</i>", city="X")
    safe = texts("start-greeting", name=Html("<i>x</i>"), city="X")
    assert "&lt;i&gt;x&lt;/i&gt;" in escaped and "<i>x</i>" not in escaped
    assert "<i>x</i>" in safe
    assert texts("start-greeting", name="<i>x</i>", city="X") == escaped  # from the cache
    assert texts("start-greeting", name=Html("<i>x</i>"), city="X") == safe
    assert texts("start-greeting", name="Anna", city="X") != escaped
