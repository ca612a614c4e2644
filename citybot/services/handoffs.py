"""Talking to a person: the resident's messages are relayed into the helpdesk topic of the staff
group, the officials' replies back, until staff close the conversation (or the resident ends it).
"""

from __future__ import annotations

import html

from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.runtime import Runtime
from citybot.services import notify, relay
from citybot.services.workflow import Actor
from citybot.storage.handoffs import open_handoff_of
from citybot.storage.models import Handoff, HandoffMessage, HandoffStatus, Resident, utcnow


async def start(*, session: AsyncSession, runtime: Runtime, resident: Resident,
                first_text: str | None) -> tuple[Handoff, bool]:
    """The resident's open conversation, or a new one announced in the helpdesk topic;
    (handoff, True when it is new)."""
    handoff = await open_handoff_of(session=session, resident_id=resident.id)
    new = handoff is None
    if new:
        handoff = Handoff(resident_id=resident.id, language=resident.language,
                          first_text=(first_text or "").strip()[:1000] or None)
        session.add(handoff)
        await session.flush()
        await notify.post_to_helpdesk(session=session, runtime=runtime, handoff=handoff,
                                      text="", header=True, dedupe_key=f"handoff:{handoff.id}")
    relay.open_conversation(session, resident, "handoff", handoff.id,
                            relay.HANDOFF_CONVERSATION)
    await session.flush()
    return handoff, new


async def from_resident(*, session: AsyncSession, runtime: Runtime, handoff: Handoff,
                        resident: Resident, text: str, photo: str | None, chat_id: int,
                        message_id: int) -> None:
    session.add(HandoffMessage(handoff_id=handoff.id, author="resident", text=text or None,
                               file_id=photo, actor_telegram_id=resident.telegram_id,
                               chat_id=chat_id, message_id=message_id))
    texts = notify.staff_texts(runtime)
    for number, piece in enumerate(relay.escaped_pieces(text) if text else [""]):
        await notify.post_to_helpdesk(
            session=session, runtime=runtime, handoff=handoff,
            text=texts("helpdesk-resident-says", number=str(handoff.id), text=piece),
            photo=photo if number == 0 else None,
            dedupe_key=f"handoff-relay:{chat_id}:{message_id}:{number}")
    relay.open_conversation(session, resident, "handoff", handoff.id,
                            relay.HANDOFF_CONVERSATION)
    await session.flush()


async def from_staff(*, session: AsyncSession, runtime: Runtime, handoff: Handoff,
                     text: str, photo: str | None, actor: Actor, chat_id: int,
                     message_id: int) -> Resident:
    resident = await session.get(Resident, handoff.resident_id)
    session.add(HandoffMessage(handoff_id=handoff.id, author="staff", text=text or None,
                               file_id=photo, actor_telegram_id=actor.telegram_id,
                               actor_name=actor.name, chat_id=chat_id, message_id=message_id))
    texts = runtime.translator(resident.language)
    if runtime.config.staff.show_official_names and actor.name:
        header = texts("handoff-staff-named", name=actor.name)
    else:
        header = texts("handoff-staff")
    for number, piece in enumerate(relay.escaped_pieces(text) if text else [""]):
        body = html.escape(piece, quote=False)
        if number == 0:
            body = f"{header}: {body}" if piece else header
        await notify.tell_resident(
            session=session, resident=resident, text=body, photo=photo if number == 0 else None,
            kind="handoff_reply", dedupe_key=f"handoff-reply:{chat_id}:{message_id}:{number}")
    relay.open_conversation(session, resident, "handoff", handoff.id,
                            relay.HANDOFF_CONVERSATION)
    await session.flush()
    return resident


async def close(*, session: AsyncSession, runtime: Runtime, handoff: Handoff,
                by: Actor) -> Resident | None:
    """Close the conversation; the resident is told when staff closed it. None when it was
    closed already."""
    if handoff.status == HandoffStatus.closed:
        return None
    handoff.status = HandoffStatus.closed
    handoff.closed_at = utcnow()
    handoff.closed_by = by.kind
    handoff.closed_by_name = by.name
    session.add(handoff)
    resident = await session.get(Resident, handoff.resident_id)
    relay.close_conversation(session, resident, "handoff", handoff.id)
    texts = notify.staff_texts(runtime)
    if by.kind == "staff":
        resident_texts = runtime.translator(resident.language)
        await notify.tell_resident(session=session, resident=resident,
                                   text=resident_texts("handoff-closed-by-staff"),
                                   kind="handoff_reply", dedupe_key=f"handoff-closed:{handoff.id}")
    else:
        text = texts("helpdesk-ended-by-resident", number=str(handoff.id))
        await notify.post_to_helpdesk(session=session, runtime=runtime, handoff=handoff,
                                      text=text, dedupe_key=f"handoff-ended:{handoff.id}")
    await notify.post_to_helpdesk(session=session, runtime=runtime, handoff=handoff, text="",
                                  header=True, dedupe_key=f"handoff-header:{handoff.id}:closed")
    await session.flush()
    return resident
