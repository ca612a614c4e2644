"""aiogram's Telegram types built on first use, not all at import: ~100 MB less per process.

aiogram declares its ~400 types with pydantic's `defer_build`, then, at the end of
`aiogram.types`, calls `model_rebuild(_types_namespace=...)` on every one of them so that their
forward references resolve: that builds a validator and a serializer for each type, every one
holding the schemas of all the types it reaches — 145 MB of a bot process's memory, most of it
for types a city's bot never receives (payments, games, giveaways, business accounts).

`install()` (run by `citybot/__init__.py`, so before anything of ours imports aiogram) lets
those calls keep only the namespace; when a type, a method or a response is first used,
pydantic builds it (its own deferred build) and is handed that namespace again. What is
used is built once, then kept: an update and the methods we call cost a few megabytes.
`build(...)` builds the ones the bot will use at once, at start-up, so the first resident does
not wait for them and they are frozen with the rest (bot/memory.py: settle_memory).

Nothing changes for types already built (aiogram imported before `install()`), for any other
pydantic model, or for an explicit `model_rebuild()` without aiogram's namespace.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

_PACKAGE = "aiogram."
_original = BaseModel.model_rebuild.__func__  # type: ignore[attr-defined]
_names: dict[str, Any] = {}  # aiogram's types by name, as its import-time rebuild gives them


def _model_rebuild(cls: type[BaseModel], *, force: bool = False, raise_errors: bool = True,
                   _parent_namespace_depth: int = 2,
                   _types_namespace: Any = None) -> bool | None:
    if cls.__module__.startswith(_PACKAGE):
        if (_types_namespace is not None and not force and not cls.__pydantic_complete__
                and cls.model_config.get("defer_build")):
            # aiogram's import-time rebuild: keep where the names are, build on first use
            if not _names:
                _names.update(_types_namespace)
            return None
        if _types_namespace is None and _names:
            # first use (a type, a method, a response): its names, and those of every type
            # it reaches, are aiogram's types
            _types_namespace = _names
    return _original(cls, force=force, raise_errors=raise_errors,
                     _parent_namespace_depth=_parent_namespace_depth,
                     _types_namespace=_types_namespace)


def install() -> None:
    BaseModel.model_rebuild = classmethod(_model_rebuild)  # type: ignore[assignment]


def build(models: Iterable[type[BaseModel]]) -> None:
    """Build these models now (those already built are left as they are)."""
    for model in models:
        if not model.__pydantic_complete__:
            model.model_rebuild()
