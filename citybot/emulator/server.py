"""The HTTP side: an aiohttp server speaking the Bot API, fault injection, limits and webhooks."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from .api import SEND_METHODS, BotApi, Params
from .limits import ApiCall, ApiError, Fault
from .telegram import Signal
from .world import World

if TYPE_CHECKING:
    from aiogram import Bot

__all__ = ["DEFAULT_TOKEN", "TelegramEmulator"]

log = logging.getLogger(__name__)
DEFAULT_TOKEN = "123456:TEST"
_TOKEN = re.compile(r"(\d+):[^/]+")
_NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/json")


def _chat_key(update: dict) -> int:
    payload = next(v for k, v in update.items() if k != "update_id")
    chat = payload.get("chat") or (payload.get("message") or {}).get("chat") or \
        payload.get("from") or payload.get("user")  # poll_answer: by its voter
    return (chat or {}).get("id", 0)


class TelegramEmulator(World):
    """A local Telegram Bot API server. Use `async with TelegramEmulator() as emu:`; point aiogram
    at `emu.url` (or call `emu.make_bot()`), then play people through the World methods."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str = DEFAULT_TOKEN,
                 webhook_retry_delay: float = 0.2, **world: Any) -> None:
        super().__init__(token, **world)
        self.host, self.port = host, port
        self.webhook: dict[str, Any] | None = None
        self.webhook_retry_delay = webhook_retry_delay
        self.api = BotApi(self)
        for name, handler in (("setWebhook", self._set_webhook),
                              ("deleteWebhook", self._delete_webhook),
                              ("getWebhookInfo", self._webhook_info)):
            self.api.register(name, handler)
        self._hangs = Signal()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._queues: list[asyncio.Queue[dict]] = []
        self._inflight: dict[int, dict] = {}
        self._workers: list[asyncio.Task[None]] = []

    # ---------------------------------------------------------------------------- lifecycle
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> TelegramEmulator:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.closing = False
        return self

    async def stop(self) -> None:
        """Answer pending long polls, release hung requests (502), stop webhooks, close."""
        self.closing = True
        self.updates_signal.notify()
        self._hangs.notify()
        await self._stop_webhook()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def __aenter__(self) -> TelegramEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def make_bot(self, **kwargs: Any) -> Bot:
        """An aiogram Bot pointed at this emulator (close it with `await bot.session.close()`)."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.url))
        return Bot(self.token, session=session, **kwargs)

    # ------------------------------------------------------------------ faults and limits
    def inject_fault(self, method: str, kind: str = "500", *, chat_id: int | str | None = None,
                     times: int | None = 1, retry_after: int = 2,
                     hang_seconds: float | None = None, description: str | None = None) -> Fault:
        """Make the next `times` calls of `method` (to `chat_id`, if given) fail: kind "500",
        "502", "429" (with retry_after), "403", "400", or "hang" (no answer for hang_seconds, or
        until release_hangs()/stop(); after hang_seconds the call proceeds normally)."""
        if kind not in ("500", "502", "429", "403", "400", "hang"):
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(method.lower(), kind, chat_id, times, retry_after, hang_seconds, description)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def release_hangs(self) -> None:
        """Let requests held by "hang" faults go on and be answered normally."""
        self._hangs.notify()

    def set_limits(self, enabled: bool = True, **limits: Any) -> None:
        """Telegram-like 429s: per_chat_per_second (1), per_group_per_minute (20),
        global_per_second (30), paid_per_second (1000, with allow_paid_broadcast)."""
        self.limits.configure(enabled=enabled, **limits)

    # ------------------------------------------------------------------------------- HTTP
    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        data: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    data.update(body)
            else:
                data.update(await request.post())
        return data

    async def _handle(self, request: web.Request) -> web.Response:
        token = _TOKEN.fullmatch(request.match_info["token"])
        if token is None:
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        if int(token.group(1)) != self.bot.id:
            self.bot.id = int(token.group(1))
        try:
            params = await self._read_params(request)
        except ValueError:
            return _json(ApiError.bad_request("can't parse JSON request body").payload(), 400)
        status, body = await self.call(request.match_info["method"], params)
        return _json(body, status)

    async def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict]:
        """Run one Bot API call as if it came over HTTP: (HTTP status, response body)."""
        entry = self.api.table.get(method.lower())
        if entry is None:
            return 404, _NOT_FOUND
        name, handler = entry
        self.stats.calls[name] += 1
        call = ApiCall(name, {k: getattr(v, "filename", v) for k, v in params.items()})
        self.requests.append(call)
        self.requests_signal.notify()
        try:
            if self.faults:
                await self._apply_faults(name.lower(), params.get("chat_id"))
            if name in SEND_METHODS and self.limits.enabled:
                chat = self.chats_by_username.get(str(params.get("chat_id", ""))[1:].lower())
                chat_id = chat.id if chat else params.get("chat_id")
                if re.fullmatch(r"-?\d+", str(chat_id)):
                    paid = Params(params).flag("allow_paid_broadcast")
                    self.limits.check(int(chat_id), paid=paid)
            result = handler(Params(params))
            if asyncio.iscoroutine(result):
                result = await result
            status, body = 200, {"ok": True, "result": result}
        except ApiError as e:
            status, body = e.code, e.payload()
            self.stats.retry_after_served += e.code == 429
        except Exception as e:  # a request the emulator cannot make sense of: say so, go on
            log.exception("emulator failed on %s %s", name, call.params)
            status, body = 500, ApiError(500, f"Internal Server Error: {e!r}").payload()
        call.status = status
        self.stats.statuses[status] += 1
        return status, body

    async def _apply_faults(self, method: str, chat_id: Any) -> None:
        fault = next((f for f in self.faults if f.matches(method, chat_id)), None)
        if fault is None:
            return
        fault.served += 1
        if fault.kind != "hang":
            raise fault.error()
        await self._hangs.wait(fault.hang_seconds)
        if self.closing:
            raise ApiError(502, "Bad Gateway")

    async def _handle_file(self, request: web.Request) -> web.Response:
        rec = self.file_paths.get(request.match_info["path"])
        if rec is None or not _TOKEN.fullmatch(request.match_info["token"]):
            return _json(_NOT_FOUND, 404)
        return web.Response(body=rec.data, content_type=rec.mime_type)

    # ---------------------------------------------------------------------------- webhooks
    async def _set_webhook(self, p: Params) -> bool:
        url = p.text("url") or ""
        if not url:
            return await self._delete_webhook(p)
        if not re.match(r"https?://", url):
            raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        await self._stop_webhook()
        if p.flag("drop_pending_updates"):
            self.updates.clear()
        allowed = p.obj("allowed_updates")
        if allowed is not None:
            self.allowed_updates = set(allowed) or None
        connections = max(1, min(p.integer("max_connections", 40), 100))  # type: ignore
        self.webhook = {"url": url, "secret_token": p.text("secret_token"),
                        "max_connections": connections, "ip_address": "127.0.0.1"}
        if self._client is None:
            self._client = aiohttp.ClientSession()
        # One queue per worker, chosen by chat: updates of one chat stay in order.
        self._queues = [asyncio.Queue() for _ in range(connections)]
        self.update_sink = self._enqueue
        while self.updates:
            self._enqueue(self.updates.popleft())
        self._workers = [asyncio.create_task(self._deliver(i)) for i in range(connections)]
        self.poll_generation += 1
        self.updates_signal.notify()
        return True

    def _enqueue(self, update: dict) -> None:
        self._queues[_chat_key(update) % len(self._queues)].put_nowait(update)

    async def _delete_webhook(self, p: Params) -> bool:
        await self._stop_webhook()
        if p.flag("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _stop_webhook(self) -> None:
        """Stop delivering; undelivered updates go back to getUpdates in their order."""
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        back = list(self._inflight.values())
        for queue in self._queues:
            while not queue.empty():
                back.append(queue.get_nowait())
        self.updates.extend(sorted(back, key=lambda u: u["update_id"]))
        self._workers, self._queues, self._inflight = [], [], {}
        self.update_sink = None
        self.webhook = None

    async def _webhook_info(self, p: Params) -> dict:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                                "pending_update_count": len(self.updates)}
        if self.webhook:
            info.update({k: v for k, v in self.webhook.items() if k != "secret_token"})
            info["pending_update_count"] = (sum(q.qsize() for q in self._queues)
                                            + len(self._inflight))
        return info

    async def _deliver(self, worker: int) -> None:
        hook, queue = self.webhook, self._queues[worker]
        assert hook is not None and self._client is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook["secret_token"]} \
            if hook["secret_token"] else {}
        while True:
            update = await queue.get()
            self._inflight[worker] = update
            delay = self.webhook_retry_delay
            while True:
                try:
                    async with self._client.post(hook["url"], json=update, headers=headers,
                                                 timeout=aiohttp.ClientTimeout(total=30)) as resp:
                        if 200 <= resp.status < 300:
                            await self._webhook_reply(resp)
                            break
                        error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
                except (aiohttp.ClientError, TimeoutError, ValueError) as e:
                    error = f"Connection failed: {type(e).__name__}: {e}"
                hook.update(last_error_date=int(time.time()), last_error_message=error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            del self._inflight[worker]
            self.stats.webhook_posts += 1

    async def _webhook_reply(self, resp: aiohttp.ClientResponse) -> None:
        """A webhook may answer with a method call in its body, as Telegram allows."""
        if resp.content_type != "application/json":
            return
        body = await resp.json()
        if isinstance(body, dict) and isinstance(body.get("method"), str):
            await self.call(body["method"], {k: v for k, v in body.items() if k != "method"})
