"""The NLU service the bot talks to: the built-in engine, or a Rasa server in front of it.

config.yml: `nlu.backend: builtin | rasa`, `nlu.rasa_url`, `nlu.confidence_threshold`.

The Rasa backend POSTs `{"text": ...}` to `<rasa_url>/model/parse` and maps the answer:
- intent: `intent.name` and `intent.confidence`; names outside the contract (Rasa's own
  `nlu_fallback`, say) become `out_of_scope`;
- category of a report, first found of: an intent named `report_problem/<category>` or
  `report_problem+<category>`; the ResponseSelector's `intent_response_key`
  (`report_problem/<category>`, as trained from our data files, which use that retrieval
  intent); an entity named `category`; else `other`;
- entities: those of the contract, with their `start`, `end` and `value`.
On a timeout, a connection error or an answer it cannot read, it logs a warning and parses with
the built-in engine instead, so the resident never notices.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from citybot.nlu.contract import (
    CATEGORIES,
    ENTITY_TYPES,
    INTENTS,
    OUT_OF_SCOPE,
    REPORT,
    Entity,
    Parse,
)
from citybot.nlu.engine import Engine, load_engine, reload_requested_at
from citybot.nlu.entities import normalize_route

log = logging.getLogger(__name__)


class NLUService(Protocol):
    async def parse(self, text: str, lang: str | None = None) -> Parse: ...

    async def close(self) -> None: ...


class BuiltinNLU:
    """The in-process engine, loaded (in a worker thread) on first use or by `start()`.

    `citybot nlu reload` touches a stamp in the model cache; at most every RELOAD_CHECK_S a
    parse looks at its time and, when it is newer than the model in use, loads the active model
    beside (the residents keep being answered by the old one until the new one is ready)."""

    RELOAD_CHECK_S = 2.0

    def __init__(
        self,
        engine: Engine | None = None,
        loader: Callable[[], Engine] = load_engine,
        stamp: Callable[[], float] = reload_requested_at,
    ):
        self._engine = engine
        self._loader = loader
        self._stamp = stamp
        self._lock = asyncio.Lock()
        self._seen_stamp = stamp()
        self._checked = time.monotonic()
        self._reloading: asyncio.Task | None = None

    async def start(self) -> Engine:
        if self._engine is None:
            async with self._lock:
                if self._engine is None:
                    self._engine = await asyncio.to_thread(self._loader)
        return self._engine

    async def reload(self) -> Engine:
        """Load the active model now and use it from the next parse on."""
        engine = await asyncio.to_thread(self._loader)
        self._engine = engine
        log.info("NLU model reloaded: %s examples, trained in %.2f s",
                 engine.info.examples, engine.info.seconds)
        return engine

    def _reload_if_asked(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.RELOAD_CHECK_S or self._reloading is not None:
            return
        self._checked = now
        stamp = self._stamp()
        if stamp > self._seen_stamp:
            self._seen_stamp = stamp
            self._reloading = asyncio.create_task(self.reload())
            self._reloading.add_done_callback(self._reloaded)

    def _reloaded(self, task: asyncio.Task) -> None:
        self._reloading = None
        if not task.cancelled() and task.exception() is not None:
            log.warning("NLU reload failed (%s); keeping the model in use", task.exception())

    async def parse(self, text: str, lang: str | None = None) -> Parse:
        engine = self._engine or await self.start()
        self._reload_if_asked()
        return engine.parse(text, lang)

    async def close(self) -> None:
        if self._reloading is not None:
            self._reloading.cancel()


class RasaNLU:
    """A Rasa server's `/model/parse`, with the built-in engine behind it."""

    def __init__(self, url: str, timeout_s: float, fallback: BuiltinNLU) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.timeout_s = timeout_s
        self.fallback = fallback
        self._session: Any = None

    async def parse(self, text: str, lang: str | None = None) -> Parse:
        try:
            answer = await self._post(text)
            return map_rasa_response(answer, text)
        except Exception as exc:  # timeout, refused connection, HTTP error, unreadable answer
            log.warning(
                "Rasa NLU at %s failed (%s: %s); parsing with the built-in engine",
                self.url,
                type(exc).__name__,
                exc,
            )
        return await self.fallback.parse(text, lang)

    async def _post(self, text: str) -> dict[str, Any]:
        import aiohttp

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        async with self._session.post(self.url, json={"text": text}, timeout=timeout) as resp:
            resp.raise_for_status()
            answer = await resp.json(content_type=None)
        if not isinstance(answer, dict):
            raise ValueError("the answer is not a JSON object")
        return answer

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _category(name: str, answer: dict[str, Any]) -> str:
    for sep in ("/", "+"):
        intent, _, sub = name.partition(sep)
        if intent == REPORT and sub in CATEGORIES:
            return sub
    for selector in (answer.get("response_selector") or {}).values():
        if not isinstance(selector, dict):
            continue
        key = (selector.get("response") or {}).get("intent_response_key") or ""
        intent, _, sub = str(key).partition("/")
        if intent == REPORT and sub in CATEGORIES:
            return sub
    for entity in answer.get("entities") or []:
        if entity.get("entity") == "category" and entity.get("value") in CATEGORIES:
            return str(entity["value"])
    return "other"


def map_rasa_response(answer: dict[str, Any], text: str) -> Parse:
    """Rasa's `/model/parse` answer -> Parse (see the module docstring for the rules)."""
    intent_block = answer.get("intent") or {}
    name = str(intent_block.get("name") or "")
    confidence = float(intent_block.get("confidence") or 0.0)
    intent = name.replace("+", "/").partition("/")[0]
    if intent not in INTENTS:
        if name and name != "nlu_fallback":
            log.debug("Rasa intent %r is not in the contract; treating it as out_of_scope", name)
        intent = OUT_OF_SCOPE
        if name != "nlu_fallback":
            confidence = 0.0
    category = _category(name, answer) if intent == REPORT else None
    entities = []
    for item in answer.get("entities") or []:
        kind = item.get("entity")
        start, end = item.get("start"), item.get("end")
        if kind not in ENTITY_TYPES or not isinstance(start, int) or not isinstance(end, int):
            continue
        if not 0 <= start < end <= len(text):
            continue
        value = str(item.get("value", text[start:end]))
        if kind == "route":
            value = normalize_route(value)
        entities.append(Entity(kind, value, start, end))
    return Parse(intent, max(0.0, min(1.0, confidence)), category, entities)


def build_nlu(
    *,
    backend: str = "builtin",
    rasa_url: str | None = None,
    timeout_s: float = 2.0,
    engine: Engine | None = None,
) -> NLUService:
    """The NLU service of config.yml's `nlu` section. `engine` lets tests inject a trained one."""
    builtin = BuiltinNLU(engine)
    if backend == "builtin":
        return builtin
    if backend == "rasa":
        if not rasa_url:
            raise ValueError("nlu.backend is 'rasa' but nlu.rasa_url is not set")
        return RasaNLU(rasa_url, timeout_s, builtin)
    raise ValueError(f"unknown nlu.backend {backend!r}: use 'builtin' or 'rasa'")
