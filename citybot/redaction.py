"""Secrets never reach a log. `install()` makes every log record redacted as it is made — its
message, arguments and traceback — so no handler, ours or a library's, sees a secret:

- the bot token, wherever it shows: aiohttp and aiogram put the request URL
  (`…/bot<token>/getUpdates`) into the text of network errors, which aiogram then logs;
- the password of any URL (`postgresql://user:password@host/db`, `redis://:password@host`);
- every value passed to `protect()` (Settings protects the token, the webhook secret and the
  database and Redis passwords as soon as they are read).

`redact()` serves what is stored rather than logged (an outbox row's last error).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

MASK = "***"
TOKEN_IN_URL = re.compile(r"(/bot)\d+:[^/\s'\"]+")  # /bot<token>/method, /file/bot<token>/…
TOKEN = re.compile(r"\b\d{5,20}:[A-Za-z0-9_-]{30,}")  # a bot token as @BotFather gives it
URL_PASSWORD = re.compile(r"([a-z][a-z0-9+.-]*://[^\s:/@'\"]*:)[^\s@/'\"]+@", re.IGNORECASE)

_secrets: set[str] = set()
_lock = threading.Lock()
_installed: list[Any] = []  # the record factory replaced by install(), to put back


def protect(*values: str | None) -> None:
    """These values are masked in every log record from now on (short ones are ignored: a
    one-letter "secret" would mask every such letter)."""
    with _lock:
        _secrets.update(v for v in values if v and len(v) >= 6)


def redact(text: str) -> str:
    text = TOKEN_IN_URL.sub(rf"\1{MASK}", text)
    text = TOKEN.sub(MASK, text)
    text = URL_PASSWORD.sub(rf"\1{MASK}@", text)
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its message formatted and redacted, and its traceback (formatted now,
    into `exc_text`, which formatters print instead of formatting `exc_info` again)."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed logging call: its format and arguments, as they are
        message = f"{record.msg} {record.args!r}"
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install() -> None:
    """Redact every log record of the process from now on (idempotent)."""
    if _installed:
        return
    make = logging.getLogRecordFactory()
    _installed.append(make)

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(make(*args, **kwargs))

    logging.setLogRecordFactory(redacted_record)


def uninstall() -> None:
    """Back to the record factory before install() (for tests)."""
    if _installed:
        logging.setLogRecordFactory(_installed.pop())
