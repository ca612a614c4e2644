"""Russian in Latin letters: one table for the NLU and the geocoder, which both match what
residents type in either alphabet ("ulitsa Lenina", "batarejki")."""

CYRILLIC_TO_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})  # fmt: skip


def to_latin(text: str) -> str:
    """Lower-cased, Cyrillic letters spelled in Latin ones."""
    return text.lower().translate(CYRILLIC_TO_LATIN)
