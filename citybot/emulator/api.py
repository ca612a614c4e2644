"""The Bot API methods: validation, Telegram's error texts, and the JSON the real API answers."""

from __future__ import annotations

import asyncio
import functools
import json
import re
import time
from collections.abc import Callable
from itertools import islice
from typing import Any

from .formatting import ParseError, parse_text, utf16_len
from .limits import ApiError
from .telegram import META_KEYS, Chat, FileRecord, Telegram, User, api_view

__all__ = ["SEND_METHODS", "BotApi", "Params"]

SEND_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendVoice", "sendAudio",
    "sendAnimation", "sendSticker", "sendMediaGroup", "sendLocation", "sendVenue", "sendContact",
    "copyMessage", "forwardMessage", "sendPoll"})
CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                          "upload_voice", "upload_document", "choose_sticker", "find_location",
                          "record_video_note", "upload_video_note"})
BUTTON_ACTIONS = ("callback_data", "url", "web_app", "login_url", "switch_inline_query",
                  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                  "copy_text", "callback_game", "pay")
NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
MEDIA_KINDS = ("photo", "document", "video", "voice", "audio", "animation", "sticker")
NOOP_METHODS = ("setMyDescription", "setMyShortDescription", "setMyName", "setChatMenuButton",
                "setMyDefaultAdministratorRights", "pinChatMessage", "unpinChatMessage",
                "unpinAllChatMessages", "setMessageReaction", "logOut", "close")


class Params:
    """Request parameters: query string, form fields (JSON-encoded objects) or a JSON body."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def has(self, key: str) -> bool:
        return self.data.get(key) not in (None, "")

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.data.get(key)
        return default if value is None else str(value)

    def integer(self, key: str, default: int | None = None, *,
                required: bool = False) -> int | None:
        value = self.data.get(key)
        if value in (None, ""):
            if required:
                raise ApiError.bad_request(f"{key} is empty")
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f"invalid {key} specified") from None

    def number(self, key: str, *, required: bool = True) -> float | None:
        value = self.data.get(key)
        if value in (None, ""):
            if required:
                raise ApiError.bad_request(f"{key} is empty")
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f"invalid {key} specified") from None

    def flag(self, key: str) -> bool:
        return self.data.get(key) in (True, 1, "true", "True", "1")

    def obj(self, key: str) -> Any:
        value = self.data.get(key)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                what = "reply keyboard markup" if key == "reply_markup" else key
                raise ApiError.bad_request(f"can't parse {what} JSON object") from None
        return value


def _now() -> int:
    return int(time.time())


class BotApi:
    """Bot API methods over the emulated Telegram (telegram.py). `table`: lower-cased method
    name -> (name, handler)."""

    def __init__(self, world: Telegram) -> None:
        self.w = world
        self.table: dict[str, tuple[str, Callable[[Params], Any]]] = {}
        for name in dir(type(self)):
            if name[0].islower() and name != "register":
                self.register(name, getattr(self, name))
        for kind in MEDIA_KINDS:  # sendPhoto, sendDocument, ...
            self.register("send" + kind.title(), functools.partial(self._send_media, kind=kind))
        for name in NOOP_METHODS:
            self.register(name, lambda p: True)

    def register(self, name: str, handler: Callable[[Params], Any]) -> None:
        self.table[name.lower()] = (name, handler)

    # ------------------------------------------------------------------------------ helpers
    def _chat(self, p: Params, key: str = "chat_id") -> Chat:
        ref = p.text(key)
        if not ref:
            raise ApiError.bad_request(f"{key} is empty")
        chat = (self.w.chats_by_username.get(ref[1:].lower()) if ref.startswith("@")
                else self.w.chats.get(int(ref)) if re.fullmatch(r"-?\d+", ref) else None)
        if chat is None:
            raise ApiError.bad_request("chat not found")
        return chat

    def _target(self, p: Params) -> Chat:
        chat = self._chat(p)
        if chat.user is not None and chat.user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.user is None and chat.members.get(self.w.bot.id) in ("left", "kicked"):
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        return chat

    def _user(self, p: Params) -> User:
        uid = p.integer("user_id", required=True)
        user = self.w.bot if uid == self.w.bot.id else self.w.users.get(uid)  # type: ignore[arg-type]
        if user is None:
            raise ApiError.bad_request("user not found")
        return user

    def _formatted(self, p: Params, key: str, limit: int, *, entities_key: str,
                   required: bool) -> tuple[str | None, list[dict] | None]:
        raw = p.text(key)
        if raw is None and not required:
            return None, None
        try:
            text, entities = parse_text(raw or "", p.text("parse_mode"))
        except ParseError as e:
            raise ApiError.bad_request(f"can't parse entities: {e}") from None
        if p.has(entities_key) and not p.has("parse_mode"):
            entities = p.obj(entities_key)
        if required and not text.strip():
            raise ApiError.bad_request("message text is empty")
        if utf16_len(text) > limit:
            raise ApiError.bad_request("message is too long" if key == "text"
                                       else "message caption is too long")
        return text, entities or None

    def _caption(self, p: Params, content: dict) -> dict:
        caption, entities = self._formatted(p, "caption", 1024, entities_key="caption_entities",
                                            required=False)
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return content

    def _markup(self, p: Params, *, inline_only: bool = False) -> dict | None:
        markup = p.obj("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ApiError.bad_request("can't parse inline keyboard button: "
                                           "InlineKeyboardButtons must be an array of arrays")
            for button in (b for row in rows for b in row):
                self._check_button(button)
        elif inline_only:
            raise ApiError.bad_request("inline keyboard expected")
        elif not ({"keyboard", "remove_keyboard", "force_reply"} & markup.keys()):
            raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
        return markup

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict) or not button.get("text"):
            raise ApiError.bad_request("can't parse inline keyboard button: Text is empty")
        if not any(k in button for k in BUTTON_ACTIONS):
            raise ApiError.bad_request("can't parse inline keyboard button: Text buttons are "
                                       "unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
            raise ApiError.bad_request(f"inline keyboard button URL '{url}' is invalid: "
                                       "Wrong HTTP URL")

    def _send(self, chat: Chat, p: Params, content: dict, *, extra: dict | None = None,
              markup: bool = True) -> dict:
        thread_id = p.integer("message_thread_id")
        if thread_id is not None and chat.is_forum and thread_id not in chat.topics:
            raise ApiError.bad_request("message thread not found")
        reply = self._reply_target(chat, p)
        if reply is not None and thread_id is None:
            thread_id = reply.get("message_thread_id")
        extra = dict(extra or {})
        reply_markup = self._markup(p) if markup else None
        if reply_markup is not None:
            extra["reply_markup"] = reply_markup
            if "keyboard" in reply_markup:
                chat.reply_keyboard = reply_markup
            elif "remove_keyboard" in reply_markup:
                chat.reply_keyboard = None
        if p.flag("protect_content"):
            extra["has_protected_content"] = True
        msg = self.w.bot_message(chat, content, thread_id=thread_id, reply_to=reply, extra=extra)
        return api_view(msg)

    def _reply_target(self, chat: Chat, p: Params) -> dict | None:
        params = p.obj("reply_parameters")
        if params is None and p.has("reply_to_message_id"):
            params = {"message_id": p.integer("reply_to_message_id"),
                      "allow_sending_without_reply": p.flag("allow_sending_without_reply")}
        if not params:
            return None
        where = chat
        if params.get("chat_id") not in (None, chat.id):
            where = self._chat(Params({"chat_id": params["chat_id"]}))
        reply = where.messages.get(int(params.get("message_id") or 0))
        if reply is None and not params.get("allow_sending_without_reply"):
            raise ApiError.bad_request("message to be replied not found")
        return reply

    def _input_file(self, value: Any, p: Params, kind: str) -> FileRecord:
        if isinstance(value, str) and value.startswith("attach://"):
            value = p.data.get(value[9:])
        if hasattr(value, "file"):  # an uploaded multipart file
            fields = {"file_name": value.filename} if kind in ("document", "audio") else {}
            if value.content_type and kind != "photo":
                fields["mime_type"] = value.content_type
            return self.w.register_file(kind, value.file.read(), **fields)
        if not isinstance(value, str) or not value:
            raise ApiError.bad_request(f"there is no {kind} in the request")
        if value.startswith(("http://", "https://")):
            return self.w.register_file(kind, None)
        rec = self.w.files.get(value)
        if rec is None:
            raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
        if rec.kind != kind:
            raise ApiError.bad_request(f"can't use file of type {rec.kind.title()} as "
                                       f"{kind.title()}")
        return rec

    def _send_media(self, p: Params, kind: str) -> dict:
        chat = self._target(p)
        rec = self._input_file(p.data.get(kind), p, kind)
        content = self._caption(p, {kind: rec.media})
        if p.flag("has_spoiler"):
            content["has_media_spoiler"] = True
        return self._send(chat, p, content)

    def _bot_message(self, p: Params) -> tuple[Chat, dict]:
        if p.has("inline_message_id"):
            raise ApiError.bad_request("inline messages are not emulated")
        chat = self._chat(p)
        msg = chat.messages.get(p.integer("message_id", required=True))  # type: ignore[arg-type]
        if msg is None:
            raise ApiError.bad_request("message to edit not found")
        if msg["from"]["id"] != self.w.bot.id:
            raise ApiError.bad_request("message can't be edited")
        return chat, msg

    def _edit(self, chat: Chat, msg: dict, changes: dict) -> dict:
        new = dict(msg)
        for key, value in changes.items():
            if value is None:
                new.pop(key, None)
            else:
                new[key] = value
        if all(new.get(k) == msg.get(k) for k in changes):
            raise ApiError.bad_request(NOT_MODIFIED)
        new["edit_date"] = _now()
        self.w.replace_message(chat, new)
        return api_view(new)

    def _member(self, chat: Chat, user: User) -> dict:
        return self.w.member_view(chat, user)

    def _topic(self, p: Params) -> tuple[Chat, dict]:
        chat = self._chat(p)
        topic = chat.topics.get(p.integer("message_thread_id", required=True))  # type: ignore
        if topic is None:
            raise ApiError.bad_request("message thread not found")
        return chat, topic

    # -------------------------------------------------------------------------- the methods
    def getMe(self, p: Params) -> dict:
        return {**self.w.bot.to_dict(), "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False,
                "can_connect_to_business": False, "has_main_web_app": False}

    async def getUpdates(self, p: Params) -> list[dict]:
        w = self.w
        if w.update_sink is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        w.confirm_updates(p.integer("offset", 0))  # type: ignore[arg-type]
        limit = min(max(p.integer("limit", 100), 1), 100)  # type: ignore[type-var]
        if "allowed_updates" in p.data:
            allowed = p.obj("allowed_updates")
            w.allowed_updates = set(allowed) if allowed else None
        w.poll_generation = generation = w.poll_generation + 1
        w.updates_signal.notify()  # an older long poll, if any, is answered with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(p.integer("timeout", 0), 0)  # type: ignore[type-var]
        while True:
            if w.updates or w.closing:
                return list(islice(w.updates, limit))
            if generation != w.poll_generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                    "that only one bot instance is running")
            remaining = deadline - loop.time()
            if remaining <= 0 or not await w.updates_signal.wait(remaining):
                return list(islice(w.updates, limit))

    def sendMessage(self, p: Params) -> dict:
        chat = self._target(p)
        text, entities = self._formatted(p, "text", 4096, entities_key="entities", required=True)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        preview = p.obj("link_preview_options")
        if preview is None and p.flag("disable_web_page_preview"):
            preview = {"is_disabled": True}
        if preview:
            content["link_preview_options"] = preview
        return self._send(chat, p, content)

    def sendPoll(self, p: Params) -> dict:
        """A native poll: 2-10 options (strings or InputPollOption objects), a question of up to
        300 characters; the poll's id is what poll_answer updates carry."""
        chat = self._target(p)
        question = p.text("question") or ""
        if not 1 <= len(question) <= 300:
            raise ApiError.bad_request("POLL_QUESTION_INVALID")
        options = p.obj("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 10:
            raise ApiError.bad_request("POLL_OPTIONS_INVALID")
        texts = [o.get("text") if isinstance(o, dict) else o for o in options]
        if not all(isinstance(t, str) and 1 <= len(t) <= 100 for t in texts):
            raise ApiError.bad_request("POLL_OPTION_INVALID")
        if chat.type == "channel" and p.has("is_anonymous") and not p.flag("is_anonymous"):
            raise ApiError.bad_request("POLL_ANONYMOUS_REQUIRED")
        poll = {"id": str(5_000_000_000_000_000_000 + next(self.w._serial)),
                "question": question, "total_voter_count": 0, "is_closed": False,
                "options": [{"persistent_id": str(i), "text": t, "voter_count": 0}
                            for i, t in enumerate(texts)],
                "allows_revoting": True, "members_only": False,
                "is_anonymous": p.flag("is_anonymous") if p.has("is_anonymous") else True,
                "type": p.text("type") or "regular",
                "allows_multiple_answers": p.flag("allows_multiple_answers")}
        sent = self._send(chat, p, {"poll": poll})
        self.w.polls[poll["id"]] = (chat.id, sent["message_id"])
        return sent

    def stopPoll(self, p: Params) -> dict:
        chat, msg = self._bot_message(p)
        if "poll" not in msg:
            raise ApiError.bad_request("message with poll to stop not found")
        if msg["poll"]["is_closed"]:
            raise ApiError.bad_request("poll has already been closed")
        poll = {**msg["poll"], "is_closed": True}
        changes: dict[str, Any] = {"poll": poll}
        if p.has("reply_markup"):
            changes["reply_markup"] = self._markup(p, inline_only=True)
        self._edit(chat, msg, changes)
        return poll

    def sendMediaGroup(self, p: Params) -> list[dict]:
        chat = self._target(p)
        media = p.obj("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise ApiError.bad_request("wrong number of media files: must be from 2 to 10")
        group_id = str(10**17 + next(self.w._serial))
        sent = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video", "document", "audio"):
                raise ApiError.bad_request("unsupported media type in the media group")
            rec = self._input_file(item.get("media"), p, kind)
            content = self._caption(Params(item), {kind: rec.media})
            sent.append(self._send(chat, p, content, extra={"media_group_id": group_id},
                                   markup=False))
        return sent

    def sendLocation(self, p: Params) -> dict:
        chat = self._target(p)
        lat, lon = p.number("latitude"), p.number("longitude")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
            raise ApiError.bad_request("wrong latitude/longitude specified")
        location: dict[str, Any] = {"latitude": lat, "longitude": lon}
        if p.has("live_period"):
            location["live_period"] = p.integer("live_period")
        return self._send(chat, p, {"location": location})

    def sendVenue(self, p: Params) -> dict:
        chat = self._target(p)
        location = {"latitude": p.number("latitude"), "longitude": p.number("longitude")}
        venue = {"location": location, "title": p.text("title") or "",
                 "address": p.text("address") or ""}
        if not venue["title"] or not venue["address"]:
            raise ApiError.bad_request("venue title and address must be non-empty")
        return self._send(chat, p, {"venue": venue, "location": location})

    def sendContact(self, p: Params) -> dict:
        chat = self._target(p)
        contact = {"phone_number": p.text("phone_number") or "",
                   "first_name": p.text("first_name") or ""}
        return self._send(chat, p, {"contact": contact})

    def _source(self, p: Params, verb: str) -> dict:
        src = self._chat(p, "from_chat_id").messages.get(p.integer("message_id", required=True))
        if src is None:
            raise ApiError.bad_request(f"message to {verb} not found")
        return src

    def copyMessage(self, p: Params) -> dict:
        chat = self._target(p)
        src = self._source(p, "copy")
        content = {k: v for k, v in src.items() if k not in META_KEYS}
        if not content or "forum_topic_created" in content:
            raise ApiError.bad_request("message can't be copied")
        if p.has("caption") and "text" not in content:
            content.pop("caption_entities", None)
            self._caption(p, content)
        return {"message_id": self._send(chat, p, content)["message_id"]}

    def forwardMessage(self, p: Params) -> dict:
        chat = self._target(p)
        src = self._source(p, "forward")
        content = {k: v for k, v in src.items() if k not in META_KEYS}
        origin = {"type": "user", "sender_user": src["from"], "date": src["date"]}
        return self._send(chat, p, content, extra={"forward_origin": origin}, markup=False)

    def editMessageText(self, p: Params) -> dict:
        chat, msg = self._bot_message(p)
        if "text" not in msg:
            raise ApiError.bad_request("there is no text in the message to edit")
        text, entities = self._formatted(p, "text", 4096, entities_key="entities", required=True)
        changes = {"text": text, "entities": entities,
                   "reply_markup": self._markup(p, inline_only=True)}
        if p.has("link_preview_options"):
            changes["link_preview_options"] = p.obj("link_preview_options")
        return self._edit(chat, msg, changes)

    def editMessageCaption(self, p: Params) -> dict:
        chat, msg = self._bot_message(p)
        if "text" in msg or not (msg.keys() - META_KEYS - {"caption", "caption_entities"}):
            raise ApiError.bad_request("there is no caption in the message to edit")
        changes = self._caption(p, {"caption": None, "caption_entities": None})
        changes["reply_markup"] = self._markup(p, inline_only=True)
        return self._edit(chat, msg, changes)

    def editMessageReplyMarkup(self, p: Params) -> dict:
        chat, msg = self._bot_message(p)
        return self._edit(chat, msg, {"reply_markup": self._markup(p, inline_only=True)})

    def deleteMessage(self, p: Params) -> bool:
        chat = self._chat(p)
        mid = p.integer("message_id", required=True)
        if mid not in chat.messages:
            raise ApiError.bad_request("message to delete not found")
        self.w.delete_message(chat, mid)  # type: ignore[arg-type]
        return True

    def deleteMessages(self, p: Params) -> bool:
        chat = self._chat(p)
        for mid in p.obj("message_ids") or []:
            if mid in chat.messages:
                self.w.delete_message(chat, mid)
        return True

    def answerCallbackQuery(self, p: Params) -> bool:
        query_id = p.text("callback_query_id") or ""
        if query_id not in self.w.pending_callbacks:
            raise ApiError.bad_request("query is too old and response timeout expired or query "
                                       "ID is invalid")
        self.w.answer_callback(query_id, {
            "text": p.text("text"), "show_alert": p.flag("show_alert"), "url": p.text("url"),
            "cache_time": p.integer("cache_time", 0)})
        return True

    def sendChatAction(self, p: Params) -> bool:
        chat = self._target(p)
        action = p.text("action")
        if action not in CHAT_ACTIONS:
            raise ApiError.bad_request("wrong parameter action in request")
        chat.last_action = action
        return True

    def getChat(self, p: Params) -> dict:
        chat = self._chat(p)
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), False)
        return {**chat.to_dict(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    def getChatMember(self, p: Params) -> dict:
        return self._member(self._chat(p), self._user(p))

    def getChatAdministrators(self, p: Params) -> list[dict]:
        chat = self._chat(p)
        if chat.user is not None:
            raise ApiError.bad_request("there are no administrators in the private chat")
        admins = [self.w.users[uid] for uid, status in chat.members.items()
                  if status in ("creator", "administrator") and uid in self.w.users]
        return [self._member(chat, u) for u in [*admins, self.w.bot]]

    def getChatMemberCount(self, p: Params) -> int:
        chat = self._chat(p)
        if chat.user is not None:
            return 2
        return 1 + sum(s not in ("left", "kicked") for s in chat.members.values())

    def createForumTopic(self, p: Params) -> dict:
        chat = self._chat(p)
        if not chat.is_forum:
            raise ApiError.bad_request("the chat is not a forum")
        name = p.text("name") or ""
        if not 1 <= len(name) <= 128:
            raise ApiError.bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_INVALID")
        topic = self.w.add_topic(chat, name, icon_color=p.integer("icon_color", 7322096))
        if p.has("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = p.text("icon_custom_emoji_id")
        return dict(topic)

    def editForumTopic(self, p: Params) -> bool:
        _, topic = self._topic(p)
        changes = {k: p.text(k) for k in ("name", "icon_custom_emoji_id") if p.has(k)}
        if all(topic.get(k) == v for k, v in changes.items()):
            raise ApiError.bad_request("TOPIC_NOT_MODIFIED")
        topic.update(changes)
        return True

    def _close(self, p: Params, closed: bool) -> bool:
        _, topic = self._topic(p)
        if topic.get("is_closed", False) == closed:
            raise ApiError.bad_request("TOPIC_NOT_MODIFIED")
        topic["is_closed"] = closed
        return True

    def closeForumTopic(self, p: Params) -> bool:
        return self._close(p, True)

    def reopenForumTopic(self, p: Params) -> bool:
        return self._close(p, False)

    def deleteForumTopic(self, p: Params) -> bool:
        chat, topic = self._topic(p)
        del chat.topics[topic["message_thread_id"]]
        return True

    def getFile(self, p: Params) -> dict:
        rec = self.w.files.get(p.text("file_id") or "")
        if rec is None:
            raise ApiError.bad_request("invalid file_id")
        return {"file_id": rec.file_id, "file_unique_id": rec.file_unique_id,
                "file_size": len(rec.data), "file_path": rec.file_path}

    @staticmethod
    def _scope_key(p: Params) -> tuple[str, str]:
        scope = p.obj("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.text("language_code") or ""

    def setMyCommands(self, p: Params) -> bool:
        commands = p.obj("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError.bad_request("commands must be an array of at most 100 BotCommand")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise ApiError.bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise ApiError.bad_request("command description is empty or too long")
        self.w.commands[self._scope_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def getMyCommands(self, p: Params) -> list[dict]:
        return self.w.commands.get(self._scope_key(p), [])

    def deleteMyCommands(self, p: Params) -> bool:
        self.w.commands.pop(self._scope_key(p), None)
        return True
