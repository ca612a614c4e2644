"""Serving the HTTP app on WEB_LISTEN beside the bot, in the bot's own event loop."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from citybot.settings import SettingsError

log = logging.getLogger("citybot.web")


def split_listen(listen: str) -> tuple[str, int]:
    """`host:port` (an IPv6 host in brackets) as a pair; ValueError when it is not one."""
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError(f"not host:port: {listen!r}")
    return host.strip("[]"), int(port)


@contextlib.asynccontextmanager
async def serving(app: web.Application, listen: str) -> AsyncIterator[int]:
    """Listen on `listen` (port 0: any free port) until the block ends; yields the port.
    SO_REUSEPORT, so that the workers of a supervisor share it."""
    host, port = split_listen(listen)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=10.0)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port, reuse_port=True).start()
        except OSError as error:  # one sentence for the person starting CityBot, no traceback
            reason = error.strerror or error
            raise SettingsError(f"WEB_LISTEN={listen}: cannot listen there ({reason}); set "
                                f"WEB_LISTEN to a free host:port.") from None
        bound = runner.addresses[0][1]
        log.info("http app listening on %s:%s", host, bound)
        yield bound
    finally:
        await runner.cleanup()
