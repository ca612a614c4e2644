"""The emulated Telegram: people, chats, members and topics, messages, files and the update
queue — the state the Bot API methods (api.py) read and change. What a scripted person does is
in people.py, what a test waits for in waits.py; world.py puts the three together."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .limits import ApiCall, Fault, RateLimiter, Stats

__all__ = ["Chat", "ChatLike", "FileRecord", "MessageLike", "Signal", "Telegram", "User"]

# A small JPEG-shaped payload (SOI, JFIF header, EOI) for photos users send.
TINY_JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
             + bytes(range(64)) + b"\xff\xd9")
MEDIA_DEFAULTS: dict[str, dict[str, Any]] = {
    "document": {"file_name": "document.pdf", "mime_type": "application/pdf"},
    "video": {"width": 640, "height": 360, "duration": 5, "mime_type": "video/mp4"},
    "voice": {"duration": 3, "mime_type": "audio/ogg"},
    "audio": {"duration": 60, "mime_type": "audio/mpeg"},
    "animation": {"width": 320, "height": 240, "duration": 2, "mime_type": "video/mp4"},
    "sticker": {"type": "regular", "width": 512, "height": 512, "is_animated": False,
                "is_video": False, "emoji": "👍"},
    "video_note": {"length": 240, "duration": 3},
}
EXTENSIONS = {"photo": "jpg", "voice": "oga", "video": "mp4", "audio": "mp3", "sticker": "webp",
              "animation": "mp4", "video_note": "mp4", "document": "bin"}
# Keys of a Message that describe where and how it was sent rather than what it says.
META_KEYS = frozenset({
    "message_id", "from", "chat", "date", "message_thread_id", "is_topic_message",
    "reply_to_message", "reply_markup", "edit_date", "forward_origin", "media_group_id",
    "has_protected_content", "link_preview_options"})


ADMIN_RIGHTS = dict.fromkeys((
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_send_welcome_messages", "can_pin_messages",
    "can_manage_topics"), True)
RESTRICTED_RIGHTS = {  # a muted member: may read, may not write
    "can_send_messages": False, "can_send_audios": False, "can_send_documents": False,
    "can_send_photos": False, "can_send_videos": False, "can_send_video_notes": False,
    "can_send_voice_notes": False, "can_send_polls": False, "can_send_other_messages": False,
    "can_add_web_page_previews": False, "can_react_to_messages": False,
    "can_edit_tag": False, "can_change_info": False, "can_invite_users": False,
    "can_pin_messages": False, "can_manage_topics": False,
}


class Signal:
    """Wakes every current waiter; notify() is plain sync code, callable from anywhere."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for fut in self._waiters:
            if not fut.done():
                fut.set_result(None)
        self._waiters.clear()

    async def wait(self, timeout: float | None) -> bool:
        """Wait for the next notify(); False on timeout."""
        fut = asyncio.get_running_loop().create_future()
        self._waiters.add(fut)
        try:
            await asyncio.wait_for(fut, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self._waiters.discard(fut)


@dataclass(eq=False)
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked: bool = False  # this person has blocked the bot

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data


# Who Telegram shows as the sender of a message written on behalf of a chat.
GROUP_ANONYMOUS_BOT = User(id=1087968824, first_name="Group", username="GroupAnonymousBot",
                           is_bot=True)
CHANNEL_BOT = User(id=136817688, first_name="Channel", username="Channel_Bot", is_bot=True)
TELEGRAM_SERVICE = User(id=777000, first_name="Telegram")  # a linked channel's forwarded post


@dataclass(eq=False)
class Chat:
    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    username: str | None = None
    is_forum: bool = False
    user: User | None = None  # the other person of a private chat
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    restricted_members: dict[int, bool] = field(default_factory=dict)  # user id -> is_member
    # user id -> the rights a restricted member keeps (e.g. can_send_messages: True)
    restricted_rights: dict[int, dict[str, bool]] = field(default_factory=dict)
    topics: dict[int, dict] = field(default_factory=dict)  # thread id -> ForumTopic (+ is_closed)
    messages: dict[int, dict] = field(default_factory=dict)  # live messages, edits applied
    deleted: dict[int, dict] = field(default_factory=dict)
    sent: list[int] = field(default_factory=list)  # ids of the bot's messages, in order
    consumed: set[int] = field(default_factory=set)  # taken by wait_for_message
    cursor: int = 0  # sent[:cursor] are all consumed
    last_id: int = 0
    reply_keyboard: dict | None = None  # the reply keyboard the bot last showed here
    last_action: str | None = None  # last sendChatAction
    signal: Signal = field(default_factory=Signal)

    def to_dict(self) -> dict[str, Any]:
        if self.user is not None:
            person = self.user.to_dict()
            return {"id": self.id, "type": "private", **{k: v for k, v in person.items()
                                                          if k in ("first_name", "last_name",
                                                                   "username")}}
        data = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data

    def current(self, message_id: int) -> dict | None:
        return self.messages.get(message_id) or self.deleted.get(message_id)

    def __repr__(self) -> str:
        return f"Chat({self.id}, {self.title or (self.user and self.user.first_name)!r})"


@dataclass(eq=False)
class FileRecord:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    mime_type: str
    media: Any = None  # what a Message carries for it: list of PhotoSize, or Document, Voice, ...


ChatLike = User | Chat | int | dict
MessageLike = dict | tuple[int, int] | int


def api_view(msg: dict) -> dict:
    """A message as the Bot API shows it to the bot: only inline keyboards are echoed."""
    markup = msg.get("reply_markup")
    if markup is None or "inline_keyboard" in markup:
        return msg
    return {k: v for k, v in msg.items() if k != "reply_markup"}


def keyboard_texts(message_or_markup: dict | None) -> list[str]:
    """Texts of the buttons of an inline or reply keyboard (of a message or a markup)."""
    markup = (message_or_markup or {}).get("reply_markup", message_or_markup) or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [b if isinstance(b, str) else b.get("text", "") for row in rows for b in row]


def describe(msg: dict) -> str:
    kind = next((k for k in msg if k not in META_KEYS and k not in ("entities", "caption")), "?")
    body = msg.get("text") or msg.get("caption") or f"<{kind}>"
    buttons = keyboard_texts(msg)
    return f"#{msg['message_id']} {body!r}" + (f" {buttons}" if buttons else "")


class Telegram:
    """Telegram's side of one emulator: people, chats, topics, messages, files, the update
    queue, and what the Bot API does to them (api.py calls it). Methods take handles (User,
    Chat) or plain ids."""

    def __init__(self, token: str = "123456:TEST", *, bot_name: str = "CityBot",
                 bot_username: str = "citybot_test_bot", request_log: int = 10_000) -> None:
        self.token = token
        self.bot = User(id=int(token.split(":", 1)[0]), first_name=bot_name,
                        username=bot_username, is_bot=True)
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.chats_by_username: dict[str, Chat] = {}
        self.files: dict[str, FileRecord] = {}
        self.file_paths: dict[str, FileRecord] = {}
        self.updates: deque[dict] = deque()
        self.updates_signal = Signal()
        self.allowed_updates: set[str] | None = None
        self.update_sink: Callable[[dict], None] | None = None  # set while a webhook is active
        self.poll_generation = 0  # bumped by each getUpdates; an older long poll then gets 409
        self.answered_callbacks: dict[str, dict] = {}
        self.pending_callbacks: dict[str, dict] = {}
        self.callbacks_signal = Signal()
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.limits = RateLimiter()
        self.faults: list[Fault] = []
        self.stats = Stats()
        self.requests: deque[ApiCall] = deque(maxlen=request_log)
        self.requests_signal = Signal()
        self.listeners: list[Callable[[str, Chat, dict], None]] = []  # (event, chat, message)
        self.closing = False
        self.polls: dict[str, tuple[int, int]] = {}  # poll id -> (chat id, message id)
        self.poll_votes: dict[str, dict[int, list[int]]] = {}  # poll id -> user id -> options
        self._user_ids = itertools.count(1_000_001)
        self._group_ids = itertools.count(1_000_000_001)
        self._update_ids = itertools.count(1)
        self._serial = itertools.count(1)  # files, callback queries, media groups

    # ------------------------------------------------------------------------------- people
    def add_user(self, first_name: str = "Anna", *, language_code: str | None = "en",
                 username: str | None = None, last_name: str | None = None,
                 id: int | None = None) -> User:
        user = User(id=id or next(self._user_ids), first_name=first_name, last_name=last_name,
                    username=username, language_code=language_code)
        self.users[user.id] = user
        self.chats[user.id] = chat = Chat(id=user.id, type="private", user=user)
        if username:
            self.chats_by_username[username.lower()] = chat
        return user

    def add_group(self, title: str = "City staff", members: Iterable[User] = (), *,
                  is_forum: bool = False, admins: Iterable[User] = (), creator: User | None = None,
                  username: str | None = None, id: int | None = None,
                  supergroup: bool = True) -> Chat:
        chat_id = id or (-1_000_000_000_000 - next(self._group_ids))
        chat = Chat(id=chat_id, type="supergroup" if supergroup else "group", title=title,
                    username=username, is_forum=is_forum)
        chat.last_id = 1  # message 1 created the group (and is the forum's General topic id)
        self.chats[chat_id] = chat
        if username:
            self.chats_by_username[username.lower()] = chat
        for user in members:
            chat.members[user.id] = "member"
        for user in admins:
            chat.members[user.id] = "administrator"
        if creator is not None:
            chat.members[creator.id] = "creator"
        return chat

    def add_member(self, group: Chat, user: User, status: str = "member", *,
                   is_member: bool = True, keeps: dict[str, bool] | None = None) -> None:
        """Set the person's status in the group ("member", "administrator", "creator",
        "restricted" — still in the group unless is_member=False, muted: every can_send_* false
        except the rights it `keeps`, e.g. {"can_send_messages": True} —, "left", "kicked");
        the bot gets a chat_member update, as an administrator of the group does."""
        old = self.member_view(group, user)
        group.members[user.id] = status
        if status == "restricted":
            group.restricted_members[user.id] = is_member
            group.restricted_rights[user.id] = dict(keeps or {})
        self._chat_member_update(group, user, old)

    def remove_member(self, group: Chat, user: User) -> None:
        self.add_member(group, user, "left")

    def add_channel(self, title: str = "City news", *, username: str | None = None,
                    id: int | None = None) -> Chat:
        """A channel: it can post into a group (a linked channel, or a person writing on its
        behalf); see send_as_chat."""
        chat_id = id or (-1_000_000_000_000 - next(self._group_ids))
        chat = Chat(id=chat_id, type="channel", title=title, username=username)
        self.chats[chat_id] = chat
        return chat

    def add_topic(self, group: ChatLike, name: str, *, icon_color: int = 7322096,
                  by: User | None = None) -> dict:
        """Create a forum topic (as the bot does with createForumTopic); returns the ForumTopic."""
        chat = self.chat(group)
        if not chat.is_forum:
            raise ValueError(f"{chat!r} is not a forum")
        topic = {"message_thread_id": chat.last_id + 1, "name": name, "icon_color": icon_color}
        service = self._new_message(chat, by or self.bot, {"forum_topic_created": {
            "name": name, "icon_color": icon_color}}, thread_id=topic["message_thread_id"])
        chat.topics[service["message_id"]] = topic
        self._tell("topic", chat, service)
        return topic

    def topic_id(self, group: ChatLike, name: str) -> int:
        return next(t["message_thread_id"] for t in self.chat(group).topics.values()
                    if t["name"] == name)

    def _chat_member_update(self, group: Chat, user: User, old: dict[str, Any]) -> None:
        new = self.member_view(group, user)
        if group.user is None and new != old:
            self.push_update("chat_member", {
                "chat": group.to_dict(), "from": user.to_dict(), "date": int(time.time()),
                "old_chat_member": old, "new_chat_member": new})

    def member_view(self, group: Chat, user: User) -> dict[str, Any]:
        """The ChatMember of `user` in `group`, as getChatMember answers it."""
        if group.user is not None:
            status = "member" if user.id in (group.id, self.bot.id) else "left"
        elif user.id == self.bot.id:
            status = group.members.get(user.id, "administrator")
        else:
            status = group.members.get(user.id, "left")
        member: dict[str, Any] = {"status": status, "user": user.to_dict()}
        if status == "administrator":
            member.update(ADMIN_RIGHTS, can_be_edited=False, is_anonymous=False)
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update(RESTRICTED_RIGHTS, until_date=0,
                          is_member=group.restricted_members.get(user.id, True))
            member.update(group.restricted_rights.get(user.id, {}))
        return member

    def _member_update(self, user: User, old: str, new: str) -> None:
        bot = self.bot.to_dict()
        self.push_update("my_chat_member", {
            "chat": self.chats[user.id].to_dict(), "from": user.to_dict(), "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot},
            "new_chat_member": {"status": new, "user": bot, **({"until_date": 0}
                                                                if new == "kicked" else {})}})

    # ------------------------------------------------------------------------------ lookups
    def chat(self, ref: ChatLike) -> Chat:
        if isinstance(ref, Chat):
            return ref
        if isinstance(ref, User):
            ref = ref.id
        elif isinstance(ref, dict):
            ref = ref["chat"]["id"]
        try:
            return self.chats[ref]
        except KeyError:
            raise LookupError(f"no chat {ref!r} in the emulator") from None

    def message(self, ref: MessageLike, chat: ChatLike | None = None) -> tuple[Chat, dict]:
        if isinstance(ref, dict):
            owner, mid = self.chat(ref), ref["message_id"]
        elif isinstance(ref, tuple):
            owner, mid = self.chat(ref[0]), ref[1]
        else:
            if chat is None:
                raise LookupError("a message id needs its chat")
            owner, mid = self.chat(chat), ref
        msg = owner.messages.get(mid)
        if msg is None:
            raise LookupError(f"message {mid} not found (or deleted) in {owner!r}")
        return owner, msg

    def messages(self, chat: ChatLike, *, thread_id: int | None = None) -> list[dict]:
        """Everything the bot sent to the chat (or one topic), edits applied, deletions removed."""
        owner = self.chat(chat)
        found = (owner.messages.get(mid) for mid in owner.sent)
        return [m for m in found
                if m is not None and (thread_id is None or m.get("message_thread_id") == thread_id)]

    def last_message(self, chat: ChatLike, *, thread_id: int | None = None) -> dict | None:
        found = self.messages(chat, thread_id=thread_id)
        return found[-1] if found else None

    def reply_keyboard(self, chat: ChatLike) -> list[str]:
        """Buttons of the reply keyboard the bot currently shows in the chat."""
        return keyboard_texts(self.chat(chat).reply_keyboard)

    keyboard_texts = staticmethod(keyboard_texts)

    def callback_answer(self, callback_query_id: str) -> dict | None:
        return self.answered_callbacks.get(callback_query_id)

    def topics(self, group: ChatLike) -> dict[int, dict]:
        return self.chat(group).topics

    # -------------------------------------------------------------------- files and updates
    def register_file(self, kind: str, data: bytes | None = None, **fields: Any) -> FileRecord:
        """Store bytes as a Telegram file of `kind`; rec.media is what a Message carries."""
        if kind == "photo":
            return self._register_photo(data or TINY_JPEG, fields.get("width", 1280),
                                        fields.get("height", 960))
        fields = {**MEDIA_DEFAULTS.get(kind, {}), **fields}
        rec = self._file_record(kind, data if data is not None else b"emulated " + kind.encode(),
                                fields.get("mime_type"))
        rec.media = {"file_id": rec.file_id, "file_unique_id": rec.file_unique_id,
                     **fields, "file_size": len(rec.data)}
        return rec

    def _register_photo(self, data: bytes, width: int, height: int) -> FileRecord:
        sizes, rec = [], None
        for w, h in ((90, max(1, 90 * height // max(width, 1))), (width, height)):
            rec = self._file_record("photo", data, "image/jpeg")
            sizes.append({"file_id": rec.file_id, "file_unique_id": rec.file_unique_id,
                          "file_size": len(data), "width": w, "height": h})
            rec.media = sizes
        assert rec is not None
        return rec

    def _file_record(self, kind: str, data: bytes, mime_type: str | None) -> FileRecord:
        n = next(self._serial)
        ext = EXTENSIONS.get(kind, "bin")
        rec = FileRecord(file_id=f"{kind}-{n:06d}-emu", file_unique_id=f"AQAD{n:06d}", kind=kind,
                         data=data, file_path=f"{kind}s/file_{n}.{ext}",
                         mime_type=mime_type or "application/octet-stream")
        self.files[rec.file_id] = rec
        self.file_paths[rec.file_path] = rec
        return rec

    def push_update(self, kind: str, payload: dict) -> dict | None:
        """Queue an update for the bot (None when allowed_updates excludes that kind)."""
        if self.allowed_updates is not None and kind not in self.allowed_updates:
            return None
        update = {"update_id": next(self._update_ids), kind: payload}
        self.stats.updates += 1
        if self.update_sink is not None:
            self.update_sink(update)
        else:
            self.updates.append(update)
            self.updates_signal.notify()
        return update

    def confirm_updates(self, offset: int) -> None:
        if offset > 0:
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
        elif offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()

    # ----------------------------------------------------------------------------- messages
    def _new_message(self, chat: Chat, sender: User, content: dict, *, thread_id: int | None = None,
                     reply_to: dict | None = None, extra: dict | None = None) -> dict:
        chat.last_id += 1
        msg: dict[str, Any] = {"message_id": chat.last_id, "from": sender.to_dict(),
                               "chat": chat.to_dict(), "date": int(time.time())}
        if thread_id and chat.is_forum:
            msg["message_thread_id"] = thread_id
            msg["is_topic_message"] = True
            # In a topic, a message that replies to nothing replies to the topic's first message.
            reply_to = reply_to or chat.messages.get(thread_id)
        if reply_to is not None:
            msg["reply_to_message"] = {k: v for k, v in api_view(reply_to).items()
                                       if k != "reply_to_message"}
        msg.update(content)
        if extra:
            msg.update(extra)
        chat.messages[msg["message_id"]] = msg
        return msg

    def bot_message(self, chat: Chat, content: dict, **kwargs: Any) -> dict:
        """Store a message the bot sent and wake whoever waits for it."""
        msg = self._new_message(chat, self.bot, content, **kwargs)
        chat.sent.append(msg["message_id"])
        self.stats.delivered[chat.id] += 1
        self._changed("sent", chat, msg)
        return msg

    def replace_message(self, chat: Chat, msg: dict) -> None:
        chat.messages[msg["message_id"]] = msg
        self._changed("edited", chat, msg)

    def delete_message(self, chat: Chat, message_id: int) -> None:
        msg = chat.messages.pop(message_id)
        chat.deleted[message_id] = msg
        self._changed("deleted", chat, msg)

    def _changed(self, event: str, chat: Chat, msg: dict) -> None:
        chat.signal.notify()
        self._tell(event, chat, msg)

    def _tell(self, event: str, chat: Chat, msg: dict) -> None:
        """Tell the listeners: "sent", "edited", "deleted" (the bot's messages); "received",
        "received_edit" (a person's message, or its edit); "answered" (a callback query's
        answer: msg is {"query": ..., "text": ..., "show_alert": ...}); "topic" (created)."""
        for listener in self.listeners:
            listener(event, chat, msg)

    def answer_callback(self, query_id: str, answer: dict) -> None:
        """The bot answered a callback query (answerCallbackQuery)."""
        query = self.pending_callbacks.pop(query_id)
        self.answered_callbacks[query_id] = answer
        self.callbacks_signal.notify()
        with contextlib.suppress(LookupError):
            self._tell("answered", self.chat(query["message"]), {"query": query, **answer})
