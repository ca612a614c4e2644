"""API errors, Telegram-like flood limits, injected faults and counters."""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ApiCall", "ApiError", "Fault", "RateLimiter", "Stats"]


class ApiError(Exception):
    """An error answer of the Bot API: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    @classmethod
    def bad_request(cls, what: str) -> ApiError:
        return cls(400, f"Bad Request: {what}")

    @classmethod
    def too_many(cls, retry_after: int) -> ApiError:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code,
                                "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class RateLimiter:
    """Sliding windows like Telegram's: per chat per second, per group per minute, and global per
    second (or the paid-broadcast rate when the request sets allow_paid_broadcast)."""

    def __init__(self) -> None:
        self.enabled = False
        self.per_chat_per_second = 1
        self.per_group_per_minute = 20
        self.global_per_second = 30
        self.paid_per_second = 1000
        self._windows: dict[Any, deque[float]] = {}

    def configure(self, **settings: Any) -> None:
        for key, value in settings.items():
            if not hasattr(self, key) or key.startswith("_"):
                raise TypeError(f"unknown limit {key!r}")
            setattr(self, key, value)
        self._windows.clear()

    def check(self, chat_id: int, *, paid: bool = False) -> None:
        """Count one message to chat_id, or raise ApiError 429 without counting it."""
        if not self.enabled:
            return
        now = time.monotonic()
        rules = [(("chat", chat_id), self.per_chat_per_second, 1.0)]
        if chat_id < 0:
            rules.append((("group", chat_id), self.per_group_per_minute, 60.0))
        rules.append((("paid",), self.paid_per_second, 1.0) if paid
                     else (("global",), self.global_per_second, 1.0))
        wait = 0.0
        for key, limit, window in rules:
            dq = self._windows.get(key)
            if dq is not None and len(dq) >= limit:
                wait = max(wait, dq[0] + window - now)
        if wait > 0:
            raise ApiError.too_many(max(1, math.ceil(wait)))
        for key, limit, _ in rules:
            dq = self._windows.get(key)
            if dq is None:
                dq = self._windows[key] = deque(maxlen=max(1, int(limit)))
            dq.append(now)


@dataclass
class Fault:
    """An injected failure: served to the next `times` matching calls (None = until cleared)."""

    method: str
    kind: str  # "500" | "429" | "403" | "400" | "hang"
    chat_id: int | str | None = None
    times: int | None = 1
    retry_after: int = 2
    hang_seconds: float | None = None
    description: str | None = None
    served: int = 0

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.method != method or (self.times is not None and self.served >= self.times):
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)

    def error(self) -> ApiError:
        if self.kind == "429":
            return ApiError.too_many(self.retry_after)
        default = {"500": (500, "Internal Server Error"),
                   "403": (403, "Forbidden: bot was blocked by the user"),
                   "400": (400, "Bad Request: injected fault"),
                   "502": (502, "Bad Gateway")}
        code, text = default[self.kind]
        return ApiError(code, self.description or text)


@dataclass
class ApiCall:
    """One request as the emulator saw it (files are replaced by their file names)."""

    method: str
    params: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.time)


@dataclass
class Stats:
    calls: Counter[str] = field(default_factory=Counter)  # method -> requests
    statuses: Counter[int] = field(default_factory=Counter)  # HTTP status -> responses
    retry_after_served: int = 0  # 429 answers
    delivered: Counter[int] = field(default_factory=Counter)  # chat id -> bot messages stored
    updates: int = 0  # updates created
    webhook_posts: int = 0  # successful webhook deliveries

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]
