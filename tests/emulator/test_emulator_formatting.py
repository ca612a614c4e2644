"""parse_mode handling: plain text and entities the way Telegram computes them."""

import pytest

from citybot.emulator import ParseError, parse_text, utf16_len


def test_html_entities_and_utf16_offsets():
    text, entities = parse_text(
        '👋 <b>Hi <i>Anna</i></b> &lt;3 <a href="https://city.example/r/12">#12</a>', "HTML"
    )
    assert text == "👋 Hi Anna <3 #12"
    assert utf16_len("👋") == 2
    assert entities == [
        {"type": "bold", "offset": 3, "length": 7},
        {"type": "italic", "offset": 6, "length": 4},
        {"type": "text_link", "offset": 14, "length": 3, "url": "https://city.example/r/12"},
    ]


def test_html_pre_with_language_and_spoiler():
    text, entities = parse_text(
        '<pre><code class="language-python">x = 1</code></pre><tg-spoiler>s</tg-spoiler>', "html"
    )
    assert text == "x = 1s"
    assert entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"},
                        {"type": "spoiler", "offset": 5, "length": 1}]


@pytest.mark.parametrize(("source", "error"), [
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
    ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler"'),
])
def test_html_errors(source, error):
    with pytest.raises(ParseError, match="^" + error.replace("(", r"\(")):
        parse_text(source, "HTML")


def test_markdown_v2():
    text, entities = parse_text(r"*Report* \#12 is _done_\. [map](https://m.example/?q=1)",
                                "MarkdownV2")
    assert text == "Report #12 is done. map"
    assert [e["type"] for e in entities] == ["bold", "italic", "text_link"]
    with pytest.raises(ParseError, match="Character '!' is reserved"):
        parse_text("Thanks!", "MarkdownV2")
    with pytest.raises(ParseError, match="Can't find end of Bold entity"):
        parse_text("*open", "MarkdownV2")


def test_legacy_markdown_and_plain():
    assert parse_text("*bold* and 1.5!", "Markdown") == (
        "bold and 1.5!", [{"type": "bold", "offset": 0, "length": 4}])
    assert parse_text("<b>as is</b>", None) == ("<b>as is</b>", [])
