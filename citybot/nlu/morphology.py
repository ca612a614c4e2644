"""pymorphy3's Russian dictionaries, memory-mapped instead of read into memory.

pymorphy3 (through DAWG-Python) reads its three DAWG files — 14 MB — into arrays, private to the
process. Mapped, they are pages of the files: the system keeps in memory those the lookups
touch, shares them between the processes of one machine (webhook workers, `citybot` commands
beside the bot) and can drop them under pressure. Lookups are the same code over the same
bytes, so every analysis is the same; they are memoised per word by the callers anyway.
"""

from __future__ import annotations

import contextlib
import mmap
import struct
from collections.abc import Iterator
from typing import Any

_HEADER = struct.Struct("=I")  # DAWG-Python's: the number of units that follow


def analyzer() -> Any:
    import pymorphy3

    with _mapped_dawgs():
        return pymorphy3.MorphAnalyzer(lang="ru")


def _mapped_reader(original, code: str, per_unit: int):
    """A `read(fp)` for DAWG-Python's Dictionary (units "I") or Guide (two "B" a unit)."""
    width = struct.calcsize(code)

    def read(self, fp) -> None:
        try:
            fileno = fp.fileno()
        except (AttributeError, OSError):  # an in-memory stream: read it as DAWG-Python does
            return original(self, fp)
        count = _HEADER.unpack(fp.read(_HEADER.size))[0] * per_unit
        start = fp.tell()
        mapped = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)  # the map outlives the file
        self._units = memoryview(mapped)[start : start + count * width].cast(code)
        fp.seek(start + count * width)

    return read


@contextlib.contextmanager
def _mapped_dawgs() -> Iterator[None]:
    """DAWG files opened meanwhile are mapped (pymorphy3 opens them by path, then closes)."""
    try:
        from dawg_python import wrapper
    except ImportError:  # pragma: no cover - pymorphy3 on the C `dawg` package reads its own way
        yield
        return
    dictionary, guide = wrapper.Dictionary.read, wrapper.Guide.read
    wrapper.Dictionary.read = _mapped_reader(dictionary, "I", 1)
    wrapper.Guide.read = _mapped_reader(guide, "B", 2)
    try:
        yield
    finally:
        wrapper.Dictionary.read, wrapper.Guide.read = dictionary, guide
