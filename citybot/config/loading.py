"""config.yml read: YAML with a key given twice refused, then validated, every problem told
as `config.yml: <key path>: <reason> (line N)`."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from citybot.config.errors import ConfigError, CrossFieldProblems, key_path
from citybot.config.schema import CityConfig

# libyaml's parser when PyYAML was built with it: about 7 times faster on the demo city.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type, misc]
    """A YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable):
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} appears twice", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_config(path: str | Path) -> CityConfig:
    """Read and validate the city's config file; ConfigError lists what is wrong, one a line."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([
            f"{name}: no such file (looked for {path.resolve()}); set CITYBOT_CONFIG to the "
            "city's config file"
        ]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{name}: cannot read the file: {error}"]) from None

    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = ": ".join(filter(None, [error.context, error.problem]))
        raise ConfigError([f"{name}: {where}YAML syntax error: {what}"]) from None
    except yaml.YAMLError as error:
        raise ConfigError([f"{name}: YAML syntax error: {error}"]) from None

    if not isinstance(data, dict):
        raise ConfigError([
            f"{name}: expected sections (city:, staff:, departments:, categories:, ...) at the "
            "top level"
        ])
    try:
        return CityConfig.model_validate(data, context={"base_dir": path.resolve().parent})
    except ValidationError as error:
        raise ConfigError(_format_errors(name, error, node)) from None


def _format_errors(name: str, error: ValidationError, root: yaml.Node) -> list[str]:
    lines = []
    for item in error.errors():
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, CrossFieldProblems):
            problems = cause.problems
        else:
            problems = [(tuple(item["loc"]), _reason(item))]
        for loc, reason in problems:
            line = _line_of(root, loc)
            suffix = f" (line {line})" if line else ""
            lines.append(f"{name}: {key_path(loc) or '(top level)'}: {reason}{suffix}")
    return lines


def _reason(item: dict[str, Any]) -> str:
    kind, msg, value = item["type"], item["msg"], item.get("input")
    if kind == "missing":
        return "missing (this key is required)"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(item["loc"][:-1])
        close = difflib.get_close_matches(str(item["loc"][-1]), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key; {hint}allowed here: {', '.join(allowed)}"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    reason = msg.removeprefix("Input ")
    reason = reason[:1].lower() + reason[1:]
    if isinstance(value, str | int | float | bool) or value is None:
        reason += f", got {value!r}"
    return reason


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """The keys the model at `loc` accepts (for "did you mean" on a typo)."""
    model: type[BaseModel] | None = CityConfig
    for part in loc:
        if model is None:
            break
        if isinstance(part, str):
            field = model.model_fields.get(part)
            model = _model_in(field.annotation) if field else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if found := _model_in(arg):
            return found
    return None



def _line_of(root: yaml.Node | None, loc: Iterable[str | int]) -> int | None:
    """The line of config.yml where the deepest existing key of `loc` is written."""
    node, line = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == str(part)]
            if not match:
                break
            key, node = match[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
