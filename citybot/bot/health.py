"""/healthz and /metrics, served on the webhook's listener."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import text

from citybot.bot.metrics import CONTENT_TYPE, Metrics, render_database
from citybot.runtime import Runtime

log = logging.getLogger("citybot.health")

CHECK_TIMEOUT = 3.0  # seconds: a load balancer waits no longer


async def _check_database(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        await session.exec(text("SELECT 1"))


async def _check(name: str, probe: Any) -> str:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT)
    except Exception as error:
        log.warning("health check failed part=%s error=%r", name, error)
        return "down"
    return "ok"


def add_routes(app: web.Application, *, runtime: Runtime, metrics: Metrics,
               redis: Any | None = None, leader: Any = None, worker: str = "") -> None:
    """`redis`: the FSM storage's client, checked too when set; `leader()`: holds the lease?"""

    async def healthz(request: web.Request) -> web.Response:
        checks = {"database": await _check("database", _check_database(runtime))}
        if redis is not None:
            checks["redis"] = await _check("redis", redis.ping())
        healthy = all(state == "ok" for state in checks.values())
        body = {"status": "ok" if healthy else "down", **checks, "worker": worker,
                "leader": bool(leader()) if leader is not None else None}
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        body = metrics.render_process()
        try:
            body += await asyncio.wait_for(render_database(runtime), timeout=CHECK_TIMEOUT)
        except Exception as error:  # the process's own figures still tell something
            log.warning("metrics from the database failed error=%r", error)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
