"""Personal data out of a resident's text before it becomes a training example.

    mask("Звоните 8 912 345-67-89, я Иван, Ленина 5", names=["Иван"])
    -> "Звоните PHONE, я NAME, Ленина 0"

Masked: e-mail addresses (EMAIL), phone numbers (PHONE), the names given (the resident's
first name, say) and a name introduced as "my name is …" / "меня зовут …" (NAME), and every
other number — house and flat numbers — as zeros of the same length, so the shape the model
learns from ("street 00") stays. What is left is what the resident said about the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w])\+?\d[\d ()\-]{8,}\d(?![\w])")
INTRODUCED = re.compile(
    r"(?P<lead>\b(?:my name is|i am called|regards,?|меня зовут|моё имя|мое имя|с уважением,?)"
    r"\s+)"
    r"(?P<name>[A-ZА-ЯЁ][\w-]+(?:\s+[A-ZА-ЯЁ][\w-]+)?)",
    re.IGNORECASE,
)
DIGITS = re.compile(r"\d")


def mask(text: str, names: Iterable[str] = ()) -> str:
    text = EMAIL.sub("EMAIL", text)
    text = PHONE.sub("PHONE", text)
    text = INTRODUCED.sub(lambda m: m.group("lead") + "NAME", text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len,
                       reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "NAME", text, flags=re.IGNORECASE)
    return DIGITS.sub("0", text)
