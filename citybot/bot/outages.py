"""What an outage is: an unreachable database or Redis told from a bug.

In webhook mode an update that met an outage is not apologised for but answered with 500
(errors.py): Telegram sends it again, and it is handled once everything is back. Its work was
rolled back, its `processed_updates` claim too. How the rest of an update's road meets
outages — the commit before the bot speaks, held answers, retried Bot API calls — is told in
citybot/bot/pipeline.
"""

from __future__ import annotations

from sqlalchemy import exc as sa

DRIVERS = ("psycopg", "psycopg2", "psycopg_pool", "asyncpg", "redis", "sqlalchemy.pool",
           "sqlalchemy.engine", "aiosqlite")
SQLITE_BUSY = ("database is locked", "database table is locked", "disk i/o error")


def is_outage(error: BaseException) -> bool:
    """True when `error` (or what caused it) says the database or Redis could not be reached
    or answered: a connection refused, reset or invalidated, a pool exhausted, a locked SQLite
    file. False for everything else — a bug must not make Telegram send an update forever."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if _unreachable(current):
            return True
        pending += [current.__cause__, current.__context__]
    return False


def _unreachable(error: BaseException) -> bool:
    if _is_redis_connection_error(error):
        return True
    if isinstance(error, sa.DBAPIError):
        if error.connection_invalidated:
            return True
        if not isinstance(error, sa.OperationalError | sa.InterfaceError):
            return False  # IntegrityError, ProgrammingError, DataError: a bug or bad data
        origin = type(error.orig).__module__ if error.orig is not None else ""
        if origin.startswith("sqlite3") or "sqlite" in origin:
            # SQLite's OperationalError also means "no such table": only a busy file is one
            return any(text in str(error.orig).lower() for text in SQLITE_BUSY)
        return True  # psycopg: connection refused, closed, terminated, admin shutdown
    if isinstance(error, sa.TimeoutError):
        return True  # no connection free in the pool in time
    if isinstance(error, OSError):  # ConnectionError, TimeoutError: only a driver's own
        return _raised_in(error, DRIVERS)
    return False


def _is_redis_connection_error(error: BaseException) -> bool:
    try:
        from redis import exceptions as redis_errors
    except ImportError:  # pragma: no cover - Redis is an extra
        return False
    return isinstance(error, redis_errors.ConnectionError | redis_errors.TimeoutError)


def _raised_in(error: BaseException, modules: tuple[str, ...]) -> bool:
    tb = error.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__", "")
        if name.startswith(modules):
            return True
        tb = tb.tb_next
    return False


def describe(error: BaseException) -> str:
    """The error in one short line, for a warning without a traceback."""
    text = f"{type(error).__name__}: {error}".splitlines()[0]
    return text[:300]
