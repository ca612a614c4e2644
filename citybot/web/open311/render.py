"""The two formats of GeoReport v2: JSON, and XML whose element names the spec gives."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import escape

import orjson
from aiohttp import web

FORMATS = {"json": "application/json", "xml": "text/xml"}
# the element of each item of a list, by the list's element
ITEMS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute",
         "values": "value", "services": "service", "service_requests": "request",
         "errors": "error"}
# what XML 1.0 cannot hold at all (escaping does not help): replaced, never breaking the document
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def _element(tag: str, value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append(f"<{tag}>")
        for key, inner in value.items():
            _element(key, inner, out)
        out.append(f"</{tag}>")
    elif isinstance(value, list):
        out.append(f"<{tag}>")
        for inner in value:
            _element(ITEMS.get(tag, "item"), inner, out)
        out.append(f"</{tag}>")
    elif value is None or value == "":
        out.append(f"<{tag}/>")
    else:
        out.append(f"<{tag}>{_text(value)}</{tag}>")


def to_xml(root: str, value: Any) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    _element(root, value, out)
    return "".join(out)


def dump_json(value: Any, kept: bool = False) -> bytes:
    """`kept`: the bytes are to be kept (a cache), so they are copied to their own size:
    orjson's output holds on to its whole working buffer, about 8 KB for a request of 500
    bytes (a thousand kept cost 8 MB, and the page faults of fresh memory every time)."""
    try:
        dumped = orjson.dumps(value)  # a thousand requests in a millisecond
    except orjson.JSONEncodeError:  # text that is not UTF-8 (a lone surrogate)
        return json.dumps(value, ensure_ascii=False).encode("utf-8", "replace")
    return bytes(memoryview(dumped)) if kept else dumped


def respond(fmt: str, root: str, value: Any, status: int = 200) -> web.Response:
    """`value` in `fmt`; `root` names the XML document's element (a list's items are named
    by ITEMS)."""
    body = to_xml(root, value).encode("utf-8", "replace") if fmt == "xml" else dump_json(value)
    return web.Response(body=body, status=status,
                        content_type=FORMATS[fmt], charset="utf-8")


def error(fmt: str, status: int, description: str) -> web.Response:
    """The spec's error shape: [{"code": 400, "description": "..."}] or <errors>."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status)
