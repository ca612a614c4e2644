"""Report photos for the public: re-encoded as plain JPEG (EXIF, GPS and every other metadata
dropped, the orientation applied to the pixels), at most `FULL` pixels a side, with a thumbnail,
kept in `web.photos_dir` as <report>/<position>.jpg and <position>-thumb.jpg."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from PIL import Image, ImageOps

FULL = 1600
THUMB = 320
MAX_PIXELS = 40_000_000  # a decompression bomb is refused, not decoded


class NotAnImage(ValueError):
    """The bytes are not a picture Pillow can read."""


def reencode(data: bytes) -> tuple[bytes, bytes]:
    """(the photo, its thumbnail) as JPEG without any metadata."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise NotAnImage("too many pixels")
            image = ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise NotAnImage(str(error)) from error
    full = image.copy()
    full.thumbnail((FULL, FULL))
    thumb = image.copy()
    thumb.thumbnail((THUMB, THUMB))
    return _jpeg(full, 85), _jpeg(thumb, 75)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)  # no exif= : none written
    return out.getvalue()


def photo_path(folder: Path, report_id: int, position: int, *, thumb: bool = False) -> Path:
    return folder / str(report_id) / f"{position}{'-thumb' if thumb else ''}.jpg"


def save(folder: Path, report_id: int, position: int, data: bytes) -> None:
    """Re-encode and write both files (each written whole, then renamed into place)."""
    full, thumb = reencode(data)
    for content, is_thumb in ((full, False), (thumb, True)):
        path = photo_path(folder, report_id, position, thumb=is_thumb)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(path)


def stored_reports(folder: Path) -> list[int]:
    """The reports that have photo files in `folder`."""
    if not folder.is_dir():
        return []
    return [int(entry.name) for entry in folder.iterdir() if entry.name.isdigit()]


def remove(folder: Path, report_id: int) -> None:
    """A report's photo files, gone from the disk."""
    shutil.rmtree(folder / str(report_id), ignore_errors=True)
