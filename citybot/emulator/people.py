"""What a scripted person does in the emulated Telegram: writes, sends photos and locations,
edits, presses buttons, blocks the bot. Each action is a message or an update for the bot, as
Telegram would make it."""

from __future__ import annotations

import time
from typing import Any

from .formatting import auto_entities
from .telegram import (
    CHANNEL_BOT,
    GROUP_ANONYMOUS_BOT,
    TELEGRAM_SERVICE,
    ChatLike,
    MessageLike,
    Telegram,
    User,
    api_view,
    describe,
)

__all__ = ["People"]


class People(Telegram):
    """The people's actions (synchronous: the bot sees them as updates)."""

    def block_bot(self, user: User) -> None:
        """The person blocks the bot: sends to them fail with 403, the bot gets my_chat_member."""
        user.blocked = True
        self._member_update(user, "member", "kicked")

    def unblock_bot(self, user: User) -> None:
        user.blocked = False
        self._member_update(user, "kicked", "member")

    def _user_message(self, user: User, content: dict, *, chat: ChatLike | None,
                      thread_id: int | None, reply_to: MessageLike | None,
                      kind: str = "message") -> dict:
        where = self.chat(user if chat is None else chat)
        if where.user is not None and user.blocked:  # writing to the bot unblocks it
            self.unblock_bot(user)
        replied = self.message(reply_to, where)[1] if reply_to is not None else None
        if thread_id is None and replied is not None:
            thread_id = replied.get("message_thread_id")
        msg = self._new_message(where, user, content, thread_id=thread_id, reply_to=replied)
        self.push_update(kind, msg)
        self._tell("received", where, msg)
        return msg

    def send_text(self, user: User, text: str, *, chat: ChatLike | None = None,
                  thread_id: int | None = None, reply_to: MessageLike | None = None) -> dict:
        content: dict[str, Any] = {"text": text}
        if entities := auto_entities(text):
            content["entities"] = entities
        return self._user_message(user, content, chat=chat, thread_id=thread_id, reply_to=reply_to)

    def send_as_chat(self, sender: ChatLike, text: str, *, chat: ChatLike,
                     thread_id: int | None = None, reply_to: MessageLike | None = None,
                     automatic_forward: bool = False) -> dict:
        """A message on behalf of a chat: the group itself (an anonymous administrator), a
        channel a person writes as, or a linked channel's post forwarded automatically."""
        owner = self.chat(sender)
        if automatic_forward:
            person = TELEGRAM_SERVICE
        else:
            person = GROUP_ANONYMOUS_BOT if owner.id == self.chat(chat).id else CHANNEL_BOT
        where = self.chat(chat)
        replied = self.message(reply_to, where)[1] if reply_to is not None else None
        if thread_id is None and replied is not None:
            thread_id = replied.get("message_thread_id")
        content: dict[str, Any] = {"text": text, "sender_chat": owner.to_dict()}
        if entities := auto_entities(text):
            content["entities"] = entities
        if automatic_forward:
            content["is_automatic_forward"] = True
        msg = self._new_message(where, person, content, thread_id=thread_id, reply_to=replied)
        self.push_update("message", msg)
        self._tell("received", where, msg)
        return msg

    def send_location(self, user: User, latitude: float, longitude: float, *,
                      chat: ChatLike | None = None, thread_id: int | None = None,
                      reply_to: MessageLike | None = None, **location: Any) -> dict:
        content = {"location": {"latitude": latitude, "longitude": longitude, **location}}
        return self._user_message(user, content, chat=chat, thread_id=thread_id, reply_to=reply_to)

    def send_venue(self, user: User, latitude: float, longitude: float, title: str, address: str,
                   *, chat: ChatLike | None = None, thread_id: int | None = None) -> dict:
        location = {"latitude": latitude, "longitude": longitude}
        content = {"venue": {"location": location, "title": title, "address": address},
                   "location": location}
        return self._user_message(user, content, chat=chat, thread_id=thread_id, reply_to=None)

    def send_contact(self, user: User, phone_number: str = "+10000000000", *,
                     chat: ChatLike | None = None) -> dict:
        contact = {"phone_number": phone_number, "first_name": user.first_name, "user_id": user.id}
        return self._user_message(user, {"contact": contact}, chat=chat, thread_id=None,
                                  reply_to=None)

    def send_media(self, user: User, kind: str, data: bytes | None = None, *,
                   caption: str | None = None, media_group_id: str | None = None,
                   chat: ChatLike | None = None, thread_id: int | None = None,
                   reply_to: MessageLike | None = None, **fields: Any) -> dict:
        """A person sends a photo / document / voice / video / sticker ...; the bytes are
        registered so getFile and the file download work."""
        content: dict[str, Any] = {kind: self.register_file(kind, data, **fields).media}
        if caption:
            content["caption"] = caption
            if entities := auto_entities(caption):
                content["caption_entities"] = entities
        if media_group_id:
            content["media_group_id"] = str(media_group_id)
        return self._user_message(user, content, chat=chat, thread_id=thread_id, reply_to=reply_to)

    def send_photo(self, user: User, data: bytes | None = None, **kwargs: Any) -> dict:
        return self.send_media(user, "photo", data, **kwargs)

    def send_document(self, user: User, data: bytes = b"%PDF-1.4 emulated\n",
                      **kwargs: Any) -> dict:
        return self.send_media(user, "document", data, **kwargs)

    def send_voice(self, user: User, data: bytes | None = None, **kwargs: Any) -> dict:
        return self.send_media(user, "voice", data, **kwargs)

    def send_video(self, user: User, data: bytes | None = None, **kwargs: Any) -> dict:
        return self.send_media(user, "video", data, **kwargs)

    def send_sticker(self, user: User, emoji: str = "👍", **kwargs: Any) -> dict:
        return self.send_media(user, "sticker", None, emoji=emoji, **kwargs)

    def answer_poll(self, user: User, message: MessageLike, option_ids: list[int]) -> dict | None:
        """Choose options of a non-anonymous poll the bot sent (an empty list retracts the vote):
        the bot gets a poll_answer update (poll_id, user, option_ids), as Telegram sends it.
        Returns the update (None when the poll is closed: Telegram takes no more votes)."""
        chat, msg = self.message(message)
        poll = msg.get("poll")
        if poll is None:
            raise LookupError(f"no poll in {describe(msg)}")
        if poll["is_closed"]:
            return None
        if any(not 0 <= i < len(poll["options"]) for i in option_ids) or \
                (len(option_ids) > 1 and not poll["allows_multiple_answers"]):
            raise ValueError(f"options {option_ids} cannot be chosen in this poll")
        voters = self.poll_votes.setdefault(poll["id"], {})
        options = [dict(o) for o in poll["options"]]
        for i in voters.pop(user.id, []):
            options[i]["voter_count"] -= 1
        for i in option_ids:
            options[i]["voter_count"] += 1
        if option_ids:
            voters[user.id] = list(option_ids)
        chat.messages[msg["message_id"]] = {**msg, "poll": {
            **poll, "options": options, "total_voter_count": len(voters)}}
        if poll["is_anonymous"]:
            return None  # Telegram tells the bot of named votes only
        return self.push_update("poll_answer", {
            "poll_id": poll["id"], "user": user.to_dict(), "option_ids": list(option_ids),
            "option_persistent_ids": [options[i]["persistent_id"] for i in option_ids]})

    def edit_text(self, user: User, message: MessageLike, text: str) -> dict:
        """The person edits their own message: the bot gets an edited_message update."""
        chat, msg = self.message(message)
        new = {**msg, "text": text, "edit_date": int(time.time())}
        new.pop("entities", None)
        if entities := auto_entities(text):
            new["entities"] = entities
        chat.messages[msg["message_id"]] = new
        self.push_update("edited_message", new)
        self._tell("received_edit", chat, new)
        return new

    def click(self, user: User, message: MessageLike, data: str) -> str:
        """Press an inline button with callback data `data`; returns the callback query id."""
        chat, msg = self.message(message)
        query_id = str(4_000_000_000_000_000_000 + next(self._serial))
        query = {"id": query_id, "from": user.to_dict(), "message": api_view(msg),
                 "chat_instance": str(abs(chat.id) * 7919 % 10**18), "data": data}
        self.pending_callbacks[query_id] = query
        self.push_update("callback_query", query)
        return query_id

    def click_button(self, user: User, message: MessageLike, text: str) -> str:
        """Press the inline button whose visible text is `text` (or starts with it)."""
        _, msg = self.message(message)
        buttons = [b for row in (msg.get("reply_markup") or {}).get("inline_keyboard", [])
                   for b in row]
        button = next((b for b in buttons if b["text"] == text), None) or next(
            (b for b in buttons if b["text"].startswith(text)), None)
        if button is None or "callback_data" not in button:
            raise LookupError(f"no callback button {text!r} on {describe(msg)}")
        return self.click(user, msg, button["callback_data"])
