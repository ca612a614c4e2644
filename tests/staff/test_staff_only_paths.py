"""Every way of acting as staff, tried by someone who is not staff — someone who left or was
removed, someone banned, someone restricted and gone, someone still in the group whom the admins
restricted from sending messages — in English and in Russian. Each path is
refused politely in the person's language and changes nothing: reports, their events, the
outbox, followers, announcements, helpdesk conversations, messages to residents.

Each row names the handlers it reaches. `test_every_staff_handler_is_guarded` fails when a
handler of the staff routers is not behind StaffOnly (or, outside them, takes `actor` or lives
in citybot.dialogs.staff without checking membership itself), and
`test_every_staff_handler_has_a_row` when a handler has no row here."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from aiogram import Router
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Command
from aiogram.fsm.storage.memory import MemoryStorage
from sqlmodel import func, select

from citybot.bot.app import build_dispatcher
from citybot.dialogs import staff
from citybot.dialogs.callbacks import (
    AnnounceAction,
    HelpdeskAction,
    IdeaStaffAction,
    PollAction,
    StaffAction,
)
from citybot.dialogs.staff.access import StaffOnly
from citybot.services import polls, proposals
from citybot.services.notify import staff_texts
from citybot.storage.models import (
    Broadcast,
    Follower,
    Handoff,
    HandoffMessage,
    NluExample,
    OutboxMessage,
    Poll,
    PollAnswer,
    Proposal,
    ProposalSupport,
    Report,
    ReportEvent,
    Resident,
)
from citybot.testing import count_rows

from .conftest import card_of, file_report

# ---- the staff group at work ----------------------------------------------------------------


@dataclass
class Desk:
    """A card, a helpdesk conversation with a relayed message, an announcement's preview."""

    emulator: Any
    citybot: Any
    group: Any
    official: Any
    anna: Any  # filed report #number
    boris: Any  # talks to a person
    number: int
    card: dict
    header: dict
    relayed: dict
    preview: dict
    handoff: int
    broadcast: int
    idea: int  # a proposal waiting for moderation
    poll: int  # a poll's draft (its preview)


async def settled(desk: Desk) -> None:
    """Whatever the set-up queued has been delivered."""
    for _ in range(200):
        if not await count_rows(desk.citybot.runtime, OutboxMessage,
                                OutboxMessage.state.in_(("pending", "sending"))):
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the outbox did not drain")


@pytest.fixture
async def desk(emulator, citybot, staff_group, official) -> Desk:
    anna = emulator.add_user("Anna", language_code="en")
    boris = emulator.add_user("Борис", language_code="ru")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    emulator.send_text(boris, "/human")
    await emulator.wait_for_message(boris)
    header = await emulator.wait_for_message(staff_group, contains="Разговор с жителем")
    emulator.send_text(boris, "Где оставить старый диван?")
    relayed = await emulator.wait_for_message(staff_group, contains="диван")
    emulator.send_text(official, "/announce Water is off on Friday", chat=staff_group)
    preview = await emulator.wait_for_message(staff_group, contains="Предпросмотр")
    async with citybot.runtime.sessions() as session:
        handoff = (await session.exec(select(Handoff.id))).one()
        broadcast = (await session.exec(select(Broadcast.id))).one()
        author = (await session.exec(select(Resident).where(
            Resident.telegram_id == anna.id))).one()
        idea = await proposals.submit(session=session, runtime=citybot.runtime, resident=author,
                                      key="desk", title="Benches on Sadovaya",
                                      description="Benches along Sadovaya street, please.",
                                      district="central")
        poll = await polls.create(session=session, key="desk", spec=polls.parse_spec(
            "question: {en: Parks or roads?, ru: Парки или дороги?}\n"
            "options: [{en: Parks, ru: Парки}, {en: Roads, ru: Дороги}]\n"
            "closes: 2099-01-01T00:00:00+03:00", citybot.runtime.config))
        await session.commit()
    found = Desk(emulator, citybot, staff_group, official, anna, boris, number, card, header,
                 relayed, preview, handoff, broadcast, idea.id, poll.id)
    await settled(found)
    return found


async def snapshot(desk: Desk) -> dict[str, Any]:
    """What staff could change, and what residents were sent."""
    async with desk.citybot.runtime.sessions() as session:
        reports = [r.model_dump() for r in (await session.exec(select(Report))).all()]
        broadcasts = [(b.id, b.state, b.audience)
                      for b in (await session.exec(select(Broadcast))).all()]
        handoffs = [(h.id, h.status, h.closed_by)
                    for h in (await session.exec(select(Handoff))).all()]
        ideas = [(p.id, p.status, p.supports, p.answer)
                 for p in (await session.exec(select(Proposal))).all()]
        polls = [(p.id, p.state) for p in (await session.exec(select(Poll))).all()]
        counts = {model.__name__: (await session.exec(
            select(func.count()).select_from(model))).one()
            for model in (ReportEvent, OutboxMessage, Follower, HandoffMessage, NluExample,
                          ProposalSupport, PollAnswer)}
    sent = {user.first_name: len(desk.emulator.messages(user)) for user in (desk.anna, desk.boris)}
    return {"reports": reports, "broadcasts": broadcasts, "handoffs": handoffs, "ideas": ideas,
            "polls": polls, **counts,
            "messages to residents": sent}


# ---- the person, and what they try ----------------------------------------------------------

@dataclass
class Attempt:
    desk: Desk
    person: Any
    refusal: str  # "This action is for city staff only." in the person's language
    expired: str  # "This button is no longer active." in the person's language
    status: str  # getChatMember: left, kicked, restricted (and gone), muted (restricted, in)
    in_group: str = ""  # the refusal posted in the staff group: in the group's language

    def leave(self) -> None:
        """Not a member (any more), or a muted one."""
        group, emulator = self.desk.group, self.desk.emulator
        if self.status == "muted":
            emulator.add_member(group, self.person, "restricted")  # in, may not send messages
        elif self.status == "restricted":
            emulator.add_member(group, self.person, "restricted", is_member=False)
        else:
            emulator.add_member(group, self.person, self.status)


def drain(emulator, *chats: Any) -> None:
    """Everything the bot sent so far counts as seen: the next wait gets what comes next."""
    for chat in chats:
        owner = emulator.chat(chat)
        owner.consumed.update(owner.sent)


async def refused_button(a: Attempt, message: dict, data: str, *, alert: bool = True,
                         text: str | None = None) -> None:
    answer = await a.desk.emulator.wait_for_callback_answer(
        a.desk.emulator.click(a.person, message, data))
    assert answer.get("text") == (text or a.refusal), answer
    assert bool(answer.get("show_alert")) == alert, answer


async def refused_message(a: Attempt, text: str, *, chat: Any = None,
                          reply_to: dict | None = None) -> dict:
    """Sent in the staff group (the refusal replies to it) or elsewhere; returns it."""
    emulator = a.desk.emulator
    chat = a.desk.group if chat is None else chat
    drain(emulator, chat)
    sent = emulator.send_text(a.person, text, chat=chat, reply_to=reply_to)
    answer = await emulator.wait_for_message(chat)
    assert answer["text"] == (a.in_group if chat is a.desk.group else a.refusal), answer
    if chat is a.desk.group:
        assert answer["reply_to_message"]["message_id"] == sent["message_id"], answer
    await emulator.assert_no_message(chat, within=0.1)
    return sent


def card_button(action: str) -> Callable[[Attempt], Awaitable[None]]:
    async def attempt(a: Attempt) -> None:
        await refused_button(a, a.desk.card, StaffAction(action=action,
                                                         report=a.desk.number).pack())
    return attempt


async def set_category(a: Attempt) -> None:
    await refused_button(a, a.desk.card, StaffAction(action="set_category", report=a.desk.number,
                                                     value="water").pack())


async def move(a: Attempt) -> None:
    config = a.desk.citybot.runtime.config
    other = next(d.id for d in config.departments if d.id != config.department_for("roads").id)
    await refused_button(a, a.desk.card, StaffAction(action="move", report=a.desk.number,
                                                     value=other).pack())


def helpdesk_button(action: str) -> Callable[[Attempt], Awaitable[None]]:
    async def attempt(a: Attempt) -> None:
        await refused_button(a, a.desk.header, HelpdeskAction(action=action,
                                                              handoff=a.desk.handoff).pack())
    return attempt


def announce_button(action: str, value: str = "") -> Callable[[Attempt], Awaitable[None]]:
    async def attempt(a: Attempt) -> None:
        await refused_button(a, a.desk.preview, AnnounceAction(
            action=action, broadcast=a.desk.broadcast, value=value).pack())
    return attempt


def idea_button(action: str) -> Callable[[Attempt], Awaitable[None]]:
    async def attempt(a: Attempt) -> None:
        await refused_button(a, a.desk.card, IdeaStaffAction(action=action,
                                                             proposal=a.desk.idea).pack())
    return attempt


def poll_button(action: str) -> Callable[[Attempt], Awaitable[None]]:
    async def attempt(a: Attempt) -> None:
        await refused_button(a, a.desk.card, PollAction(action=action, poll=a.desk.poll).pack())
    return attempt


async def forged(a: Attempt) -> None:
    await refused_button(a, a.desk.card, "garbage")


def command(text: str) -> Callable[[Attempt], Awaitable[None]]:
    async def attempt(a: Attempt) -> None:
        await refused_message(a, text.format(number=a.desk.number))
    return attempt


async def reply_to_card(a: Attempt) -> None:
    await refused_message(a, "Your pothole will never be fixed", reply_to=a.desk.card)


async def reply_in_helpdesk(a: Attempt) -> None:
    await refused_message(a, "Throw it in the river", reply_to=a.desk.relayed)


async def removed_between_press_and_note(a: Attempt) -> None:
    """A member presses Resolved, is removed (Telegram tells the bot at once), then writes the
    note, or /cancel."""
    emulator, group, runtime = a.desk.emulator, a.desk.group, a.desk.citybot.runtime
    runtime.staff_members[a.person.id] = (False, time.monotonic())  # fresh: gone when noticed
    emulator.add_member(group, a.person)
    await noticed(runtime, a.person)
    drain(emulator, group)
    answer = await emulator.wait_for_callback_answer(emulator.click(
        a.person, a.desk.card, StaffAction(action="resolve", report=a.desk.number).pack()))
    assert answer.get("text") is None, answer  # asked for the note: a member then
    prompt = await emulator.wait_for_message(
        group, predicate=lambda m: "force_reply" in (m.get("reply_markup") or {}))
    assert runtime.staff_members[a.person.id][0] is True  # cached for a minute...
    a.leave()
    await noticed(runtime, a.person)  # ... unless Telegram says the membership changed
    await refused_message(a, "Patched it", reply_to=prompt)
    await refused_message(a, "/cancel")


async def removed_between_reject_and_reason(a: Attempt) -> None:
    """A member presses Reject on a proposal, is removed, then writes the reason, or /cancel."""
    emulator, group, runtime = a.desk.emulator, a.desk.group, a.desk.citybot.runtime
    runtime.staff_members[a.person.id] = (False, time.monotonic())
    emulator.add_member(group, a.person)
    await noticed(runtime, a.person)
    drain(emulator, group)
    answer = await emulator.wait_for_callback_answer(emulator.click(
        a.person, a.desk.card, IdeaStaffAction(action="reject", proposal=a.desk.idea).pack()))
    assert answer.get("text") is None, answer  # asked for the reason: a member then
    prompt = await emulator.wait_for_message(
        group, predicate=lambda m: "force_reply" in (m.get("reply_markup") or {}))
    a.leave()
    await noticed(runtime, a.person)
    await refused_message(a, "Not in our budget", reply_to=prompt)
    await refused_message(a, "/cancel")


async def noticed(runtime: Any, person: Any) -> None:
    """The bot handled the chat_member update: the person's cached membership is gone."""
    for _ in range(300):
        if person.id not in runtime.staff_members:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the membership change was not noticed")


async def edited(a: Attempt) -> None:
    """Edits are not staff actions: an edited command or reply does nothing."""
    emulator, group = a.desk.emulator, a.desk.group
    emulator.edit_text(a.person, await refused_message(a, "/stats"), "/queue")
    sent = emulator.send_text(a.person, "hmm", chat=group)
    emulator.edit_text(a.person, sent, "Patched, all good")
    await emulator.assert_no_message(group, within=0.3)


# ---- ... and elsewhere: a private chat, another group ---------------------------------------

def private_button(make: Callable[[Desk], str]) -> Callable[[Attempt], Awaitable[None]]:
    """A staff button pressed in a private chat (a forwarded card, or forged)."""
    async def attempt(a: Attempt) -> None:
        mine = a.desk.emulator.messages(a.person)[-1]
        await refused_button(a, mine, make(a.desk))
    return attempt


async def private_commands(a: Attempt) -> None:
    for text in ("/queue", "/stats", "/announce Free buses", "/poll", "/poll 1",
                 f"/report {a.desk.number}", f"/report #{a.desk.number}",
                 f"/hide {a.desk.number}"):
        await refused_message(a, text, chat=a.person)


async def other_group(a: Attempt) -> None:
    emulator = a.desk.emulator
    neighbours = emulator.add_group("Neighbours", [a.person, a.desk.anna])
    for text in ("/queue", f"/report {a.desk.number}"):
        await refused_message(a, text, chat=neighbours)
    drain(emulator, neighbours)
    message = emulator.send_text(a.person, "hello", chat=neighbours)
    await refused_button(a, message, "garbage", alert=False, text=a.expired)
    await refused_button(a, message, StaffAction(action="take", report=a.desk.number).pack())


@dataclass(frozen=True)
class StaffPath:
    name: str
    handlers: tuple[str, ...]  # "module.function" of the handlers it reaches
    attempt: Callable[[Attempt], Awaitable[None]]


PATHS = [
    StaffPath("card: Take", ("actions.on_take",), card_button("take")),
    StaffPath("card: In progress", ("actions.on_progress",), card_button("progress")),
    StaffPath("card: Resolved", ("actions.on_ask_note",), card_button("resolve")),
    StaffPath("card: Reject", ("actions.on_ask_note",), card_button("reject")),
    StaffPath("card: Not ours", ("actions.on_ask_note",), card_button("not_responsible")),
    StaffPath("card: Duplicate of #m", ("actions.on_ask_note",), card_button("duplicate")),
    StaffPath("card: Reassign", ("actions.on_reassign",), card_button("reassign")),
    StaffPath("card: Reassign to a department", ("actions.on_move",), move),
    StaffPath("card: Category", ("recategorise.on_pick_category",), card_button("category")),
    StaffPath("card: Category picked", ("recategorise.on_set_category",), set_category),
    StaffPath("card: Not a report", ("recategorise.on_not_a_report",),
              card_button("not_report")),
    StaffPath("card: an unknown action", ("actions.on_unknown_action",), card_button("boom")),
    StaffPath("card: Hide from the public", ("publishing.on_button",), card_button("hide")),
    StaffPath("card: Make public", ("publishing.on_button",), card_button("publish")),
    StaffPath("helpdesk: Close", ("relay.on_close",), helpdesk_button("close")),
    StaffPath("helpdesk: an unknown action", ("relay.on_unknown_helpdesk",),
              helpdesk_button("reopen")),
    StaffPath("announcement: Send", ("announce.on_preview_button",), announce_button("send")),
    StaffPath("announcement: a district", ("announce.on_preview_button",),
              announce_button("district", "central")),
    StaffPath("announcement: Cancel", ("announce.on_preview_button",), announce_button("cancel")),
    StaffPath("proposal: Approve", ("proposals.on_approve",), idea_button("approve")),
    StaffPath("proposal: Reject", ("proposals.on_ask",), idea_button("reject")),
    StaffPath("proposal: the department's Accepted", ("proposals.on_ask",),
              idea_button("accepted")),
    StaffPath("proposal: a reason (or /cancel) after Reject, removed in between",
              ("proposals.on_idea_note", "proposals.on_cancel_idea_note /cancel"),
              removed_between_reject_and_reason),
    StaffPath("poll: Send", ("polls.on_preview_button",), poll_button("send")),
    StaffPath("poll: Cancel", ("polls.on_preview_button",), poll_button("cancel")),
    StaffPath("/poll", ("polls.on_poll /poll",), command("/poll")),
    StaffPath("/poll N", ("polls.on_poll /poll",), command("/poll 1")),
    StaffPath("/poll with a poll", ("polls.on_poll /poll",),
              command("/poll\nquestion: {{en: Buses?, ru: Автобусы?}}\n"
                      "options: [{{en: Yes, ru: Да}}, {{en: No, ru: Нет}}]\n"
                      "closes: 2099-01-01T00:00:00+03:00")),
    StaffPath("forged callback data", ("staff.on_unknown_button",), forged),
    StaffPath("/queue", ("commands.on_queue /queue",), command("/queue")),
    StaffPath("/report N", ("commands.on_report /report",), command("/report {number}")),
    StaffPath("/stats", ("commands.on_stats /stats",), command("/stats")),
    StaffPath("/hide N", ("publishing.on_hide /hide",), command("/hide {number}")),
    StaffPath("/publish N text", ("publishing.on_publish /publish",),
              command("/publish {number} A new public text")),
    StaffPath("/announce", ("announce.on_announce /announce",),
              command("/announce Free buses today")),
    StaffPath("a reply to a card, for its resident", ("relay.on_staff_reply",), reply_to_card),
    StaffPath("a reply in the helpdesk, for its resident", ("relay.on_staff_reply",),
              reply_in_helpdesk),
    StaffPath("a note (or /cancel) after Resolved, removed in between",
              ("actions.on_note", "actions.on_cancel_note /cancel", "access.on_membership_changed"),
              removed_between_press_and_note),
    StaffPath("edited messages", (), edited),
    StaffPath("private chat: a card button", ("staff.on_staff_button_elsewhere",),
              private_button(lambda d: StaffAction(action="take", report=d.number).pack())),
    StaffPath("private chat: a helpdesk button", ("staff.on_staff_button_elsewhere",),
              private_button(lambda d: HelpdeskAction(action="close", handoff=d.handoff).pack())),
    StaffPath("private chat: an announcement button", ("staff.on_staff_button_elsewhere",),
              private_button(lambda d: AnnounceAction(action="send",
                                                      broadcast=d.broadcast).pack())),
    StaffPath("private chat: a poll button", ("staff.on_staff_button_elsewhere",),
              private_button(lambda d: PollAction(action="send", poll=d.poll).pack())),
    StaffPath("private chat: a proposal button", ("staff.on_staff_button_elsewhere",),
              private_button(lambda d: IdeaStaffAction(action="approve",
                                                       proposal=d.idea).pack())),
    StaffPath("private chat: staff commands",
              ("staff.on_staff_command_elsewhere /queue /stats /announce /hide /publish /poll",
               "staff.on_staff_command_elsewhere /report"), private_commands),
    StaffPath("another group: commands and buttons",
              ("staff.on_staff_command_elsewhere /queue /stats /announce /hide /publish /poll",
               "staff.on_staff_command_elsewhere /report", "staff.on_unknown_button",
               "staff.on_staff_button_elsewhere"), other_group),
]


@pytest.mark.parametrize(("language", "status"), [
    ("en", "left"), ("ru", "kicked"), ("en", "restricted"), ("en", "muted"), ("ru", "muted"),
])
async def test_non_members_are_refused_on_every_staff_path(desk, language, status) -> None:
    emulator, translate = desk.emulator, desk.citybot.runtime.translator(language)
    person = emulator.add_user("Mallory", language_code=language)
    emulator.send_text(person, "/start")
    await emulator.wait_for_message(person)
    attempt = Attempt(desk, person, translate("staff-only"), translate("button-expired"), status,
                      staff_texts(desk.citybot.runtime)("staff-only"))
    emulator.add_member(desk.group, person)
    attempt.leave()
    await settled(desk)
    before = await snapshot(desk)
    failures = []
    for path in PATHS:
        attempt.leave()  # as they were, whatever an earlier path did
        desk.citybot.runtime.staff_members.pop(person.id, None)
        try:
            await path.attempt(attempt)
            await asyncio.sleep(0.05)  # whatever a missing guard would let through, is done
            after = await snapshot(desk)
            changed = {key: after[key] for key in after if after[key] != before[key]}
            assert not changed, f"changed: {changed}"
        except Exception as error:  # every path is tried; all that fail are reported
            failures.append(f"{path.name}: {error!r}")
            before = await snapshot(desk)
    assert not failures, "\n".join(failures)


# ---- senders that are not people ------------------------------------------------------------

async def test_chats_and_bots_writing_in_the_staff_group(desk) -> None:
    """An anonymous administrator writes as the group: staff. A channel (a person writing as
    their channel, or a linked channel's post), or another bot in the group: refused."""
    emulator, group, runtime = desk.emulator, desk.group, desk.citybot.runtime
    refusal = staff_texts(runtime)("staff-only")
    before = await snapshot(desk)

    drain(emulator, group)
    emulator.send_as_chat(group, "/queue", chat=group)
    assert f"#{desk.number}" in (await emulator.wait_for_message(group))["text"]

    channel = emulator.add_channel("Lipovsk gossip")
    sent = emulator.send_as_chat(channel, "We know better", chat=group, reply_to=desk.card)
    answer = await emulator.wait_for_message(group)
    assert answer["text"] == refusal
    assert answer["reply_to_message"]["message_id"] == sent["message_id"]
    emulator.send_as_chat(channel, "/stats", chat=group, automatic_forward=True)
    assert (await emulator.wait_for_message(group))["text"] == refusal

    helper = emulator.add_user("Helper", language_code="en")
    helper.is_bot = True
    emulator.add_member(group, helper)
    emulator.send_text(helper, "/report 1", chat=group)
    assert (await emulator.wait_for_message(group))["text"] == refusal  # the group's language
    await emulator.assert_no_message(group, within=0.2)
    assert await snapshot(desk) == before


# ---- every staff handler is guarded, and tried above ----------------------------------------

def handlers_of(router: Router) -> Iterator[tuple[Router, str, HandlerObject]]:
    for event, observer in router.observers.items():
        for handler in observer.handlers:
            yield router, event, handler
    for child in router.sub_routers:
        yield from handlers_of(child)


def guarded(router: Router, event: str) -> bool:
    """Whether StaffOnly runs before the router's handlers of `event` (it is an inner
    middleware of the router or of one of its parents)."""
    while router is not None:
        observer = router.observers.get(event)
        if observer is not None and any(isinstance(m, StaffOnly) for m in observer.middleware):
            return True
        router = router.parent_router
    return False


def name_of(handler: HandlerObject) -> str:
    return f"{handler.callback.__module__.rsplit('.', 1)[-1]}.{handler.callback.__name__}"


def key_of(handler: HandlerObject) -> str:
    """The handler and the commands it answers: a command added to an old function is new."""
    commands = [f"/{command}" for check in handler.filters or ()
                if isinstance(check.callback, Command) for command in check.callback.commands
                if isinstance(command, str)]
    return " ".join([name_of(handler), *commands])


CHECK_MEMBERSHIP_THEMSELVES = {  # outside the staff group: they ask is_staff, change nothing
    "staff.on_staff_button_elsewhere", "staff.on_staff_command_elsewhere",
    "staff.on_unknown_button", "access.on_membership_changed"}


def test_every_staff_handler_is_guarded(city_config) -> None:
    chat_id = city_config.staff.chat_id
    unguarded = [f"{event}: {name_of(h)}" for router, event, h in
                 handlers_of(staff.build_router(chat_id)) if not guarded(router, event)]
    assert not unguarded, f"staff handlers without StaffOnly: {unguarded}"

    runtime = SimpleNamespace(config=city_config, staff_chat_id=chat_id)
    dispatcher = build_dispatcher(runtime, MemoryStorage())  # the whole bot, as it runs
    suspicious = []
    for router, event, handler in handlers_of(dispatcher):
        staffish = handler.callback.__module__.startswith("citybot.dialogs.staff") or \
            "actor" in inspect.signature(handler.callback).parameters
        if staffish and not guarded(router, event) and \
                name_of(handler) not in CHECK_MEMBERSHIP_THEMSELVES:
            suspicious.append(f"{router.name} {event}: {name_of(handler)}")
    assert not suspicious, f"staff handlers reachable without StaffOnly: {suspicious}"


def test_every_staff_handler_has_a_row(city_config) -> None:
    chat_id = city_config.staff.chat_id
    registered = {key_of(h) for router in (staff.build_router(chat_id),
                                           *staff.build_guard_routers(chat_id),
                                           staff.build_membership_router(chat_id))
                  for _, _, h in handlers_of(router)}
    tried = {name for path in PATHS for name in path.handlers}
    assert registered - tried == set(), "add a row to PATHS for these handlers"
    assert tried - registered == set(), "these rows name handlers that no longer exist"


async def test_a_restricted_official_is_staff_only_while_allowed_to_send_messages(desk) -> None:
    """Restricted but still a member (`is_member`): staff while the admins let them send
    messages (only their media restricted, say); muted, they are not — and they are again
    once the admins lift it (Telegram tells the bot, the cached answer goes)."""
    emulator, group, official = desk.emulator, desk.group, desk.official
    take = StaffAction(action="take", report=desk.number).pack()
    emulator.add_member(group, official, "restricted")  # is_member: True, can_send_messages: no
    desk.citybot.runtime.staff_members.clear()
    before = await snapshot(desk)
    answer = await emulator.wait_for_callback_answer(emulator.click(official, desk.card, take))
    assert answer["text"] == "This action is for city staff only.", answer
    assert await snapshot(desk) == before

    drain(emulator, desk.anna)
    emulator.add_member(group, official, "restricted", keeps={"can_send_messages": True})
    await noticed(desk.citybot.runtime, official)
    answer = await emulator.wait_for_callback_answer(emulator.click(official, desk.card, take))
    assert f"#{desk.number}" in answer["text"]
    await emulator.wait_for_message(desk.anna)  # told it was taken
