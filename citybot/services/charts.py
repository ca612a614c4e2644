"""The statistics charts as PNG images (Pillow): the /stats page shows them and the staff daily
digest sends them, because officials would rather look than read. Only counts are drawn."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from citybot.i18n import Texts
from citybot.services.public import Statistics

WIDTH, HEIGHT = 900, 360
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 20, 48, 56
FILED, RESOLVED, AXIS, GRID, INK = "#2e86ab", "#3b9c3b", "#444444", "#e3e3e3", "#222222"
FONTS = ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@cache
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000,
                 50000, 100000):
        if value <= step * 5:
            return step * 5
    return value


def _bars(title: str, labels: list[str], series: list[tuple[str, str, list[int]]]) -> bytes:
    """Grouped bars: `series` is (legend, colour, values per label)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN_LEFT, 12), title, fill=INK, font=_font(18))
    top = _nice_max(max([1, *(v for _, _, values in series for v in values)]))
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    base = HEIGHT - MARGIN_BOTTOM
    for i in range(6):
        y = base - plot_h * i / 5
        draw.line((MARGIN_LEFT, y, WIDTH - MARGIN_RIGHT, y), fill=GRID)
        draw.text((MARGIN_LEFT - 8, y), str(top * i // 5), fill=AXIS, font=_font(12),
                  anchor="rm")
    slot = plot_w / max(len(labels), 1)
    bar = slot * 0.8 / max(len(series), 1)
    for index, label in enumerate(labels):
        left = MARGIN_LEFT + slot * index + slot * 0.1
        for number, (_, colour, values) in enumerate(series):
            height = plot_h * values[index] / top
            x = left + bar * number
            if height:
                draw.rectangle((x, base - height, x + bar - 2, base), fill=colour)
        draw.text((MARGIN_LEFT + slot * (index + 0.5), base + 8), label, fill=AXIS,
                  font=_font(12), anchor="mt")
    draw.line((MARGIN_LEFT, base, WIDTH - MARGIN_RIGHT, base), fill=AXIS)
    x = MARGIN_LEFT
    for legend, colour, _ in series:
        draw.rectangle((x, HEIGHT - 22, x + 12, HEIGHT - 10), fill=colour)
        draw.text((x + 18, HEIGHT - 16), legend, fill=INK, font=_font(13), anchor="lm")
        x += 40 + int(draw.textlength(legend, font=_font(13)))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def weekly_png(stats: Statistics, texts: Texts) -> bytes:
    labels = [monday.strftime("%d.%m") for monday, _, _ in stats.weeks]
    return _bars(texts("stats-chart-weekly"), labels, [
        (texts("stats-legend-in"), FILED, [filed for _, filed, _ in stats.weeks]),
        (texts("stats-legend-resolved"), RESOLVED, [fixed for _, _, fixed in stats.weeks]),
    ])


def resolution_png(stats: Statistics, texts: Texts) -> bytes:
    labels = [texts(f"stats-bucket-{key}") for key, _ in stats.resolution_buckets]
    return _bars(texts("stats-chart-resolution"), labels, [
        (texts("stats-legend-resolved"), RESOLVED, [n for _, n in stats.resolution_buckets]),
    ])


def digest_png(stats: Statistics, texts: Texts) -> bytes:
    """Both charts in one image, one above the other (one photo in the staff digest)."""
    first = Image.open(io.BytesIO(weekly_png(stats, texts)))
    second = Image.open(io.BytesIO(resolution_png(stats, texts)))
    image = Image.new("RGB", (WIDTH, HEIGHT * 2), "white")
    image.paste(first, (0, 0))
    image.paste(second, (0, HEIGHT))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
