"""`citybot emulator`: run the emulator with a demo city population and talk to the bot from the
terminal as a resident or an official."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shlex
import sys

from .server import TelegramEmulator
from .telegram import Chat, User, describe

__all__ = ["main", "serve"]

HELP = """\
Type as a person (names: {names}):
  anna: /start                 send text (anna, ivan: private chat; olga: staff group)
  reply olga: On it            reply to the bot's last message in that chat (its topic too)
  click anna send              press a button by (part of) its label: inline or reply keyboard
  loc anna 55.75 37.61         send a location          photo anna [caption]   send a photo
  block anna | unblock anna    the person blocks / unblocks the bot
  topics | help | quit"""


class Console:
    """Reads commands from stdin and prints what the bot does."""

    def __init__(self, emu: TelegramEmulator, people: dict[str, User], home: dict[str, Chat]):
        self.emu, self.people, self.home = emu, people, home
        self.done = asyncio.Event()
        emu.listeners.append(self.show)

    def show(self, event: str, chat: Chat, msg: dict) -> None:
        if event not in ("sent", "edited", "deleted"):  # what the bot does, not the people
            return
        where = chat.title or (chat.user.first_name if chat.user else str(chat.id))
        topic = chat.topics.get(msg.get("message_thread_id", 0))
        if topic:
            where += f" / {topic['name']}"
        mark = {"sent": "→", "edited": "✎", "deleted": "✗"}[event]
        print(f"[bot {mark} {where}] {describe(msg)}", flush=True)

    def run(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        try:
            self._run(line)
        except (LookupError, ValueError) as e:
            print(f"! {e}", flush=True)

    def _person(self, name: str) -> tuple[User, Chat]:
        key = name.strip().lower()
        if key not in self.people:
            raise LookupError(f"unknown person {name!r}; try: {', '.join(self.people)}")
        return self.people[key], self.home[key]

    def _run(self, line: str) -> None:
        head, _, rest = line.partition(" ")
        if head in ("quit", "exit"):
            self.done.set()
        elif head == "help":
            print(HELP.format(names=", ".join(self.people)))
        elif head == "topics":
            for chat in {id(c): c for c in self.home.values() if c.topics}.values():
                for tid, topic in chat.topics.items():
                    print(f"  {chat.title}: {tid} {topic['name']}")
        elif head == "reply" and ":" in rest:
            name, _, text = rest.partition(":")
            user, chat = self._person(name)
            last = self.emu.last_message(chat)
            if last is None:
                raise LookupError("the bot has not written there yet")
            self.emu.send_text(user, text.strip(), chat=chat, reply_to=last)
        elif head == "click":
            name, _, label = rest.partition(" ")
            user, chat = self._person(name)
            self.click(user, chat, label.strip())
        elif head in ("loc", "photo", "block", "unblock"):
            args = shlex.split(rest)
            user, chat = self._person(args[0] if args else "")
            if head == "loc":
                self.emu.send_location(user, float(args[1]), float(args[2]), chat=chat)
            elif head == "photo":
                self.emu.send_photo(user, caption=" ".join(args[1:]) or None, chat=chat)
            else:
                (self.emu.block_bot if head == "block" else self.emu.unblock_bot)(user)
        elif ":" in line:
            name, _, text = line.partition(":")
            user, chat = self._person(name)
            self.emu.send_text(user, text.strip(), chat=chat)
        else:
            print("? type `help`", flush=True)
            return
        if not self.emu.stats.calls["getUpdates"] and self.emu.webhook is None:
            print("  (queued: the bot has not connected yet; start it as shown above)", flush=True)

    def click(self, user: User, chat: Chat, label: str) -> None:
        """Press a button by its label or a part of it, any case, emoji or not: an inline button
        of the newest message having one, else a button of the reply keyboard (which sends its
        text, as Telegram does). None matches: the buttons there are are listed."""
        inline = [(msg, button) for msg in reversed(self.emu.messages(chat))
                  for row in (msg.get("reply_markup") or {}).get("inline_keyboard", [])
                  for button in row if "callback_data" in button]
        keyboard = [(None, {"text": b} if isinstance(b, str) else b)
                    for row in (chat.reply_keyboard or {}).get("keyboard", []) for b in row]
        wanted = label.casefold()
        for matches in (lambda text: text.casefold() == wanted,
                        lambda text: wanted in text.casefold()):
            for msg, button in [*inline, *keyboard]:
                if not wanted or not matches(button["text"]):
                    continue
                if msg is not None:
                    self.emu.click(user, msg, button["callback_data"])
                elif button.get("request_location"):
                    raise LookupError(f"{button['text']!r} shares a location: use `loc "
                                      f"{user.first_name.lower()} LAT LON`")
                else:
                    self.emu.send_text(user, button["text"], chat=chat)
                return
        newest = inline[0][0]["message_id"] if inline else None
        there = [button["text"] for msg, button in inline if msg["message_id"] == newest]
        there += [button["text"] for _, button in keyboard]
        raise LookupError(f"no button {label!r} in {chat!r}; buttons there: "
                          + (", ".join(repr(text) for text in there) or "none"))

    def attach_stdin(self) -> None:
        loop = asyncio.get_running_loop()

        def readable() -> None:
            line = sys.stdin.readline()
            if not line:  # end of input: keep serving
                loop.remove_reader(sys.stdin.fileno())
                return
            self.run(line)

        try:
            loop.add_reader(sys.stdin.fileno(), readable)
        except (NotImplementedError, ValueError, OSError):
            print("(no interactive input on this platform)", flush=True)


async def serve(host: str = "127.0.0.1", port: int = 8081, *, interactive: bool = True) -> None:
    """Run the emulator with Anna (en), Иван (ru) and the forum staff group until quit/Ctrl-C."""
    emu = TelegramEmulator(host=host, port=port)
    anna = emu.add_user("Anna", language_code="en", username="anna")
    ivan = emu.add_user("Иван", language_code="ru", username="ivan")
    olga = emu.add_user("Olga", language_code="en", username="olga_official")
    staff = emu.add_group("City staff", [], is_forum=True, creator=olga)
    people = {"anna": anna, "ivan": ivan, "olga": olga}
    console = Console(emu, people, {"anna": emu.chat(anna), "ivan": emu.chat(ivan), "olga": staff})
    await emu.start()
    print(f"""Telegram Bot API emulator on {emu.url}

Start the bot against it in another terminal:
  BOT_TOKEN={emu.token} TELEGRAM_API_URL={emu.url} STAFF_CHAT_ID={staff.id} make run

People: Anna (id {anna.id}, en), Иван (id {ivan.id}, ru), official Olga (id {olga.id}) in the
forum supergroup "City staff" (id {staff.id}).
{HELP.format(names=", ".join(people))}
""", flush=True)
    if interactive:
        console.attach_stdin()
    try:
        await console.done.wait()
    finally:
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(sys.stdin.fileno())
        await emu.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="citybot emulator",
                                     description="Run a local Telegram Bot API emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--no-input", action="store_true", help="do not read commands from stdin")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, interactive=not args.no_input))
    print("emulator stopped", flush=True)
    return 0
