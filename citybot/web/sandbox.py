"""The sandbox page (`citybot sandbox`, `make run` without a token): CityBot in a browser, with
no Telegram. Two panes over the in-process emulator (citybot/emulator): residents in their
private chats with the bot, and the staff group with its forum topics and officials.

The page reads `/sandbox/state` once, then follows `/sandbox/events` (server-sent events: every
message the bot sends, edits or deletes, every person's message, callback answers, new topics)
and acts through `/sandbox/act` (text, button presses, locations, venues) and `/sandbox/photo`
(an uploaded file). This is the one part of citybot/web that talks to the emulator; the bot it
talks to runs on the production code path, over HTTP, and does not know it is a sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from citybot.emulator import Chat, TelegramEmulator, User
from citybot.i18n import LANGUAGES
from citybot.web.app import RUNTIME

log = logging.getLogger("citybot.web.sandbox")

PAGE = Path(__file__).parent / "templates" / "sandbox.html"
MAX_PHOTO = 10 * 1024 * 1024
STAFF_TITLE = "City staff"
# The people the sandbox starts with: residents in both languages, two officials.
RESIDENTS = (("Anna", "en"), ("Иван", "ru"))
OFFICIALS = (("Olga", "en"), ("Пётр", "ru"))
# The page's own words (citybot/locales/*/sandbox.ftl), handed to its script.
WORDS = (
    "title", "intro", "residents", "staff", "send", "placeholder", "photo", "location",
    "location-title", "location-hint", "landmark", "landmark-none", "send-location", "cancel",
    "add-resident", "add-official", "name", "language", "add", "general", "official",
    "reply-to", "start", "reply", "edited", "not-sent", "topic-created", "shared-location",
    "staff-command-hint", "photo-caption",
)


class BadRequest(web.HTTPBadRequest):
    def __init__(self, reason: str) -> None:
        super().__init__(text=json.dumps({"error": reason}), content_type="application/json")


@dataclass
class Sandbox:
    """The emulator and the people on the page; fans the emulator's events out to the pages
    that follow /sandbox/events."""

    emulator: TelegramEmulator
    staff: Chat
    residents: list[User] = field(default_factory=list)
    officials: list[User] = field(default_factory=list)
    followers: set[asyncio.Queue[dict | None]] = field(default_factory=set)

    @classmethod
    def populate(cls, emulator: TelegramEmulator, *, staff_chat_id: int) -> Sandbox:
        """Residents, officials and the staff group (a forum, with the id the bot is given)."""
        staff = emulator.add_group(STAFF_TITLE, [], is_forum=True, id=staff_chat_id)
        sandbox = cls(emulator, staff)
        for name, language in RESIDENTS:
            sandbox.add_person("resident", name, language)
        for name, language in OFFICIALS:
            sandbox.add_person("official", name, language)
        emulator.listeners.append(sandbox.on_event)
        return sandbox

    def add_person(self, role: str, name: str, language: str) -> User:
        user = self.emulator.add_user(name, language_code=language)
        if role == "official":
            status = "member" if self.officials else "creator"
            self.staff.members[user.id] = status
            self.officials.append(user)
        else:
            self.residents.append(user)
        self.publish({"event": "person", "role": role, "person": person_view(user)})
        return user

    # ----------------------------------------------------------------------------- events
    def on_event(self, event: str, chat: Chat, msg: dict) -> None:
        if chat.id != self.staff.id and chat.user not in self.residents:
            return
        data: dict[str, Any] = {"event": event, "chat": chat.id}
        if event == "answered":
            data["text"] = msg.get("text")
            data["show_alert"] = msg.get("show_alert")
            data["user"] = msg["query"]["from"]["id"]
        else:
            data["message"] = msg
        data.update(chat_extras(chat))
        self.publish(data)

    def publish(self, data: dict) -> None:
        for queue in self.followers:
            queue.put_nowait(data)

    def state(self) -> dict[str, Any]:
        chats = [self.emulator.chat(user) for user in self.residents] + [self.staff]
        return {
            "bot": person_view(self.emulator.bot),
            "residents": [person_view(user) for user in self.residents],
            "officials": [person_view(user) for user in self.officials],
            "staff": {"id": self.staff.id, "title": self.staff.title},
            "chats": {str(chat.id): {"messages": list(chat.messages.values()),
                                     **chat_extras(chat)} for chat in chats},
        }

    # ------------------------------------------------------------------------------ acting
    def person(self, value: Any) -> User:
        try:
            user = self.emulator.users[int(value)]
        except (TypeError, ValueError, KeyError):
            raise BadRequest("unknown person") from None
        if user not in self.residents and user not in self.officials:
            raise BadRequest("unknown person")
        return user

    def chat_of(self, user: User, value: Any) -> Chat:
        """Residents write in their own chat with the bot, officials in the staff group."""
        if user in self.officials:
            if value not in (None, "", self.staff.id, str(self.staff.id)):
                raise BadRequest("officials write in the staff group")
            return self.staff
        return self.emulator.chat(user)

    def act(self, body: dict[str, Any]) -> dict:
        user = self.person(body.get("as"))
        chat = self.chat_of(user, body.get("chat"))
        action = body.get("action")
        where: dict[str, Any] = {"chat": chat}
        if chat is self.staff:
            where["thread_id"] = _optional_int(body.get("thread"))
        reply_to = _optional_int(body.get("reply_to"))
        if reply_to is not None and reply_to not in chat.messages:
            raise BadRequest("the message replied to is gone")
        emulator = self.emulator
        if action == "text":
            text = str(body.get("text") or "").strip()
            if not text or len(text) > 4096:
                raise BadRequest("a message is 1 to 4096 characters")
            return emulator.send_text(user, text, reply_to=reply_to, **where)
        if action == "click":
            message = _optional_int(body.get("message"))
            if message not in chat.messages:
                raise BadRequest("the message is gone")
            query = emulator.click(user, (chat.id, message), str(body.get("data") or ""))
            return {"query": query}
        if action in ("location", "venue"):
            lat, lon = _number(body.get("lat"), 90), _number(body.get("lon"), 180)
            if action == "venue":
                title = str(body.get("title") or "")[:256] or "?"
                return emulator.send_venue(user, lat, lon, title, str(body.get("address") or ""),
                                           **where)
            return emulator.send_location(user, lat, lon, reply_to=reply_to, **where)
        if action == "contact":
            return emulator.send_contact(user, chat=chat)
        raise BadRequest("unknown action")


def person_view(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.first_name, "language": user.language_code,
            "username": user.username}


def chat_extras(chat: Chat) -> dict[str, Any]:
    """What the page needs beside a chat's messages: the reply keyboard the bot shows in a
    private chat; a forum's topics."""
    if chat.user is not None:
        return {"keyboard": chat.reply_keyboard}
    return {"topics": [{"id": thread, "name": topic["name"]}
                       for thread, topic in chat.topics.items()]}


def _optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest("not a number") from None


def _number(value: Any, limit: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadRequest("a location needs lat and lon") from None
    if not -limit <= number <= limit:
        raise BadRequest("a location needs lat and lon")
    return number


# ------------------------------------------------------------------------------------- HTTP
SANDBOX = web.AppKey("sandbox", Sandbox)


async def page(request: web.Request) -> web.Response:
    language = request.query.get("lang", "en")
    if language not in LANGUAGES:
        language = "en"
    texts = request.app[RUNTIME].translator(language)
    words = {key: texts(f"sandbox-{key}") for key in WORDS}
    html = (PAGE.read_text(encoding="utf-8")
            .replace("{{lang}}", language)
            .replace("{{title}}", words["title"])
            .replace("{{words}}", json.dumps(words, ensure_ascii=False).replace("</", "<\\/")))
    return web.Response(text=html, content_type="text/html",
                        headers={"Cache-Control": "no-store"})


async def state(request: web.Request) -> web.Response:
    return web.json_response(request.app[SANDBOX].state(),
                             dumps=lambda data: json.dumps(data, ensure_ascii=False))


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: one JSON object each, until the page goes or the server stops."""
    sandbox = request.app[SANDBOX]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store"})
    await response.prepare(request)
    queue: asyncio.Queue[dict | None] = asyncio.Queue()
    sandbox.followers.add(queue)
    try:
        await response.write(b": hello\n\n")
        while True:
            try:
                data = await asyncio.wait_for(queue.get(), timeout=15)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if data is None:
                break
            line = json.dumps(data, ensure_ascii=False)
            await response.write(f"data: {line}\n\n".encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        sandbox.followers.discard(queue)
    return response


async def act(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("a JSON object, please") from None
    if not isinstance(body, dict):
        raise BadRequest("a JSON object, please")
    done = request.app[SANDBOX].act(body)
    return web.json_response({"ok": True, "message_id": done.get("message_id")})


async def photo(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    fields: dict[str, Any] = {}
    data = b""
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if part.name == "file":
            data = await part.read(decode=False)  # type: ignore[union-attr]
            if len(data) > MAX_PHOTO:
                raise BadRequest("a photo is at most 10 MB")
        elif part.name:
            fields[part.name] = await part.text()  # type: ignore[union-attr]
    if not data:
        raise BadRequest("no file")
    user = sandbox.person(fields.get("as"))
    chat = sandbox.chat_of(user, fields.get("chat"))
    thread = _optional_int(fields.get("thread")) if chat is sandbox.staff else None
    reply_to = _optional_int(fields.get("reply_to"))
    if reply_to is not None and reply_to not in chat.messages:
        raise BadRequest("the message replied to is gone")
    sent = sandbox.emulator.send_photo(user, data, chat=chat, thread_id=thread, reply_to=reply_to,
                                       caption=(fields.get("caption") or "").strip() or None)
    return web.json_response({"ok": True, "message_id": sent["message_id"]})


async def file(request: web.Request) -> web.Response:
    """A photo or file of the emulator (a resident's upload, an album the bot sent)."""
    record = request.app[SANDBOX].emulator.files.get(request.match_info["file_id"])
    if record is None:
        raise web.HTTPNotFound()
    content_type = record.mime_type
    if record.data.startswith(b"\x89PNG"):
        content_type = "image/png"
    return web.Response(body=record.data, content_type=content_type,
                        headers={"Cache-Control": "private, max-age=3600"})


async def people(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("a JSON object, please") from None
    role = body.get("role") if isinstance(body, dict) else None
    name = str(body.get("name") or "").strip()[:64] if isinstance(body, dict) else ""
    language = body.get("language") if isinstance(body, dict) else None
    if role not in ("resident", "official") or not name or language not in LANGUAGES:
        raise BadRequest("role (resident | official), name and language (en | ru), please")
    user = request.app[SANDBOX].add_person(role, name, language)
    return web.json_response(person_view(user))


def part(sandbox: Sandbox):
    """The sandbox as a part of the HTTP app (citybot/web/app.py), under /sandbox."""

    async def stop_following(app: web.Application) -> None:
        for queue in list(sandbox.followers):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)

    def setup(app: web.Application) -> None:
        app[SANDBOX] = sandbox
        app.on_shutdown.append(stop_following)
        app.router.add_get("/sandbox", page)
        app.router.add_get("/sandbox/", page)
        app.router.add_get("/sandbox/state", state)
        app.router.add_get("/sandbox/events", events)
        app.router.add_post("/sandbox/act", act)
        app.router.add_post("/sandbox/photo", photo)
        app.router.add_post("/sandbox/people", people)
        app.router.add_get("/sandbox/files/{file_id}", file)

    return setup
