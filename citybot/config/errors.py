"""How a config problem is told: `ConfigError`, one human line per problem, and key paths
like `categories[2].department`."""

from __future__ import annotations

from collections.abc import Iterable

Problem = tuple[tuple[str | int, ...], str]


class ConfigError(Exception):
    """The configuration cannot be used; str() is one human line per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class CrossFieldProblems(ValueError):
    """Problems found across sections, each with its key path (raised inside validation)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key_path(loc)}: {reason}" for loc, reason in problems))


def key_path(loc: Iterable[str | int]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
