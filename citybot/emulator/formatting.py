"""Text formatting as Telegram does it: parse_mode HTML / MarkdownV2 / Markdown into plain text and
entities (offsets in UTF-16 code units), plus the entities Telegram detects in what users type."""

from __future__ import annotations

import re

__all__ = ["ParseError", "auto_entities", "parse_text", "utf16_len"]


class ParseError(ValueError):
    """Raised with Telegram's wording; the API answers "Bad Request: can't parse entities: ..."."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode())


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[dict]]:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode in ("markdownv2", "markdown"):
        return _parse_markdown(text, v2=mode == "markdownv2")
    if mode:
        raise ParseError(f'Unsupported parse_mode "{parse_mode}"')
    return text, []


def _sorted(entities: list[dict]) -> list[dict]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


# --------------------------------------------------------------------------------------- HTML
_HTML_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_SPECIAL = re.compile(r"[<&]")
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^>]*?)?)\s*/?>")
_END_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)?\s*>")
_ATTR = re.compile(r"""([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _start_extra(tag: str, attrs: dict[str, str], src: str, j: int) -> dict:
    if tag == "a":
        href = attrs.get("href", "")
        user = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if user:
            return {"type": "text_mention",
                    "user": {"id": int(user.group(1)), "is_bot": False, "first_name": ""}}
        return {"url": href}
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset '
                         f"{_byte_offset(src, j)}")
    if tag == "code" and attrs.get("class", "").startswith("language-"):
        return {"language": attrs["class"][9:]}
    if tag == "tg-emoji":
        return {"custom_emoji_id": attrs.get("emoji-id", "")}
    if tag == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    return {}


def _parse_html(src: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    n16 = 0
    stack: list[tuple[str, int, dict]] = []  # (tag, utf16 start, entity extras)
    entities: list[dict] = []
    i = 0
    while i < len(src):
        m = _SPECIAL.search(src, i)
        j = m.start() if m else len(src)
        if j > i:
            out.append(src[i:j])
            n16 += utf16_len(src[i:j])
        if not m:
            break
        if src[j] == "&":
            ref = _CHAR_REF.match(src, j)
            if ref is None:
                ch, i = "&", j + 1
            else:
                name = ref.group(1)
                ch = _NAMED.get(name) or chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
                i = ref.end()
            out.append(ch)
            n16 += utf16_len(ch)
            continue
        if src.startswith("</", j):
            end = _END_TAG.match(src, j)
            if not end:
                raise ParseError(f"Unclosed end tag at byte offset {_byte_offset(src, j)}")
            if not stack:
                raise ParseError(f"Unexpected end tag at byte offset {_byte_offset(src, j)}")
            tag, start, extra = stack.pop()
            if (end.group(1) or "").lower() != tag:
                raise ParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(src, j)}, "
                    f'expected "</{tag}>", found "{end.group(0)}"'
                )
            if tag == "code" and stack and stack[-1][0] == "pre" and "language" in extra:
                stack[-1][2]["language"] = extra["language"]
            elif n16 > start:
                entity = {"type": _HTML_TYPES[tag], "offset": start, "length": n16 - start}
                entity.update(extra if tag == "pre" else
                              {k: v for k, v in extra.items() if k != "language"})
                entities.append(entity)
            i = end.end()
            continue
        start_tag = _START_TAG.match(src, j)
        tag = start_tag.group(1).lower() if start_tag else re.match(r"<([^\s>/]*)", src[j:])[1]
        if not start_tag or tag not in _HTML_TYPES:
            raise ParseError(f'Unsupported start tag "{tag}" at byte offset {_byte_offset(src, j)}')
        attrs = {a.group(1).lower(): a.group(2) or a.group(3) or a.group(4) or ""
                 for a in _ATTR.finditer(start_tag.group(2))}
        stack.append((tag, n16, _start_extra(tag, attrs, src, j)))
        i = start_tag.end()
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), _sorted(entities)


# ----------------------------------------------------------------------------------- Markdown
_MD_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline", "code": "Code",
             "strikethrough": "Strikethrough", "spoiler": "Spoiler", "pre": "Pre",
             "text_link": "TextUrl"}
_RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")
_LINK_END = re.compile(r"\]\(((?:[^)\\]|\\.)*)\)")


def _md_marker(src: str, i: int, v2: bool, open_: dict) -> tuple[str | None, int]:
    """The entity delimiter starting at src[i], as (entity type, width), or (None, 0)."""
    c = src[i]
    in_code = "code" in open_ or "pre" in open_
    if src.startswith("```", i) and ("pre" in open_ or not in_code):
        return "pre", 3
    if c == "`" and "pre" not in open_:
        return "code", 1
    if in_code:
        return None, 0
    if v2 and src.startswith("__", i):
        return "underline", 2
    if v2 and src.startswith("||", i):
        return "spoiler", 2
    kinds = {"*": "bold", "_": "italic", "[": "text_link"}
    if v2:
        kinds["~"] = "strikethrough"
    if c in kinds and not (c == "[" and "text_link" in open_):
        return kinds[c], 1
    return None, 0


def _parse_markdown(src: str, *, v2: bool) -> tuple[str, list[dict]]:
    out: list[str] = []
    n16 = 0
    open_: dict[str, tuple[int, int, str | None]] = {}  # type -> (utf16 offset, src index, lang)
    entities: list[dict] = []
    i = 0
    while i < len(src):
        c = src[i]
        if c == "\\" and i + 1 < len(src) and (v2 or src[i + 1] in "_*`["):
            out.append(src[i + 1])
            n16 += utf16_len(src[i + 1])
            i += 2
            continue
        kind, width = _md_marker(src, i, v2, open_)
        if kind is None and c == "]" and "text_link" in open_:
            link = _LINK_END.match(src, i)
            start, where, _ = open_.pop("text_link")
            if not link:
                raise ParseError(f"Can't find end of TextUrl entity at byte offset "
                                 f"{_byte_offset(src, where)}")
            if n16 > start:
                entities.append({"type": "text_link", "offset": start, "length": n16 - start,
                                 "url": re.sub(r"\\(.)", r"\1", link.group(1))})
            i = link.end()
            continue
        if kind is None:
            in_code = "code" in open_ or "pre" in open_
            if v2 and not in_code and c == ">" and (i == 0 or src[i - 1] == "\n"):
                i += 1  # a blockquote line marker
                continue
            if v2 and not in_code and c in _RESERVED_V2:
                raise ParseError(f"Character '{c}' is reserved and must be escaped with the "
                                 "preceding '\\'")
            out.append(c)
            n16 += utf16_len(c)
            i += 1
            continue
        i += width
        if kind not in open_:
            lang = None
            if kind == "pre" and (m := re.match(r"([\w+-]*)\n", src[i:])):
                lang, i = m.group(1) or None, i + m.end()
            open_[kind] = (n16, i - width, lang)
            continue
        start, _, lang = open_.pop(kind)
        if n16 > start:
            entity = {"type": kind, "offset": start, "length": n16 - start}
            if lang:
                entity["language"] = lang
            entities.append(entity)
    if open_:
        kind, (_, where, _) = next(iter(open_.items()))
        where_b = _byte_offset(src, where)
        raise ParseError(f"Can't find end of {_MD_NAMES[kind]} entity at byte offset {where_b}"
                         if v2 else
                         f"Can't find end of the entity starting at byte offset {where_b}")
    return "".join(out), _sorted(entities)


# ------------------------------------------------------------------ entities users' texts get
_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?![\w/])"
    r"|(?P<url>\bhttps?://[^\s<>\"]+)"
    r"|(?P<hashtag>(?<![\w#])#\w+)"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{4,32})"
)


def auto_entities(text: str) -> list[dict]:
    return [
        {"type": m.lastgroup, "offset": utf16_len(text[: m.start()]),
         "length": utf16_len(m.group(0))}
        for m in _AUTO.finditer(text)
    ]
