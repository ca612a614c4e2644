"""SQLModel tables: what must survive a restart lives here."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Text, UniqueConstraint, false
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def default_factory(make: Callable[[], Any]) -> Callable[[], Any]:
    """A default factory with its signature known in advance: pydantic asks for a factory's
    signature each time a row object is built, and working out that of `list` or `dict` (from
    their text signatures) cost a third of a millisecond per update of the report flow."""
    make.__signature__ = inspect.Signature()  # type: ignore[attr-defined]
    return make


@default_factory
def utcnow() -> datetime:
    return datetime.now(UTC)


@default_factory
def empty_list() -> list[Any]:
    return []


@default_factory
def empty_dict() -> dict[str, Any]:
    return {}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on every backend (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    default = None if nullable else utcnow
    return Field(
        default_factory=default,
        sa_type=UTCDateTime,
        nullable=nullable,
        index=index,
    )


def _telegram_id(*, nullable: bool = False, index: bool = False, unique: bool = False) -> Any:
    return Field(
        default=None, sa_type=BigInteger, nullable=nullable, index=index, unique=unique
    )


class ReportStatus(StrEnum):
    new = "new"
    acknowledged = "acknowledged"
    in_progress = "in_progress"
    resolved = "resolved"
    rejected = "rejected"
    duplicate = "duplicate"
    not_responsible = "not_responsible"


OPEN_STATUSES = (ReportStatus.new, ReportStatus.acknowledged, ReportStatus.in_progress)


class Resident(SQLModel, table=True):
    __tablename__ = "residents"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = _telegram_id(unique=True)
    first_name: str = Field(default="", max_length=128)
    language: str = Field(default="en", max_length=8)
    language_chosen: bool = False  # True once the resident picked a language in settings
    blocked_bot: bool = False  # Telegram answered 403: we stop writing to them
    # Where the resident's free text goes for now: "report:<id>" after staff wrote to them about
    # a report, "handoff:<id>" while talking to a person (see citybot.services.relay).
    conversation: str | None = Field(default=None, max_length=32)
    conversation_until: datetime | None = _when(nullable=True)
    created_at: datetime = _when()
    last_seen_at: datetime = _when()
    # the retention notice ("inactive: your data goes in a month") was queued then
    retention_notice_at: datetime | None = _when(nullable=True)


class Report(SQLModel, table=True):
    """A resident's report; its id is the public reference `#<id>`."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_category_status", "category", "status"),
        # duplicate lookup: same category, neighbouring grid cells (see citybot.services.nearby)
        Index("ix_reports_nearby", "category", "geocell", "status"),
        # Open311 GET requests: a date window, newest first, status and updated_at read from
        # the index alone (what changed since an answer was rendered)
        Index("ix_reports_created_status", "created_at", "status", "updated_at", "hidden"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None: filed by a system, not a resident (an Open311 client), or its reporter erased their
    # data (/forget: the report stays, unlinked; `source` tells the two apart)
    reporter_id: int | None = Field(default=None, foreign_key="residents.id", index=True)
    category: str = Field(max_length=32)
    department: str = Field(max_length=64, index=True)
    status: str = Field(default=ReportStatus.new, max_length=32, index=True)
    description: str = Field(sa_column=Column(Text, nullable=False))
    latitude: float | None = None
    longitude: float | None = None
    geocell: int | None = Field(default=None, sa_type=BigInteger)
    address: str | None = Field(default=None, max_length=512)
    district: str | None = Field(default=None, max_length=64)
    language: str = Field(default="en", max_length=8)
    draft_token: str | None = Field(default=None, max_length=64, unique=True)
    card_chat_id: int | None = _telegram_id(nullable=True)
    card_thread_id: int | None = _telegram_id(nullable=True)
    card_message_id: int | None = _telegram_id(nullable=True)
    assignee_telegram_id: int | None = _telegram_id(nullable=True)
    assignee_name: str | None = Field(default=None, max_length=128)
    duplicate_of: int | None = Field(default=None, foreign_key="reports.id")
    created_at: datetime = _when()  # indexed by ix_reports_created_status
    updated_at: datetime = _when(index=True)  # what changed since: the public map's cache
    due_at: datetime | None = _when(nullable=True)
    closed_at: datetime | None = _when(nullable=True)
    sla_reminded_at: datetime | None = _when(nullable=True)  # the one overdue reminder was posted
    # where it came from: None for the bot, "open311/<key name>" for an API client
    source: str | None = Field(default=None, max_length=96)
    media_url: str | None = Field(default=None, max_length=1024)  # a photo's address (Open311)
    # the city's own system (a department's Open311 endpoint): its request id or, until that is
    # known, its token; its status as it last told us
    external_id: str | None = Field(default=None, max_length=128, index=True)
    external_token: str | None = Field(default=None, max_length=128)
    external_status: str | None = Field(default=None, max_length=32)
    nlu_category: str | None = Field(default=None, max_length=32)  # what the NLU read, if it did
    nlu_confidence: float | None = None  # how sure it was (of the report and its category)
    # the public site (citybot.services.public): hidden by an official, or its text replaced
    hidden: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    public_text: str | None = Field(default=None, sa_column=Column(Text))


class ReportDraft(SQLModel, table=True):
    """A report being written: kept in the database, so a restart loses nothing."""

    __tablename__ = "report_drafts"

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="residents.id", unique=True)
    token: str = Field(max_length=64)  # becomes Report.draft_token: one report per draft
    step: str = Field(default="category", max_length=32)
    category: str | None = Field(default=None, max_length=32)
    suggested_category: str | None = Field(default=None, max_length=32)
    nlu_confidence: float | None = None  # how sure the NLU was of suggested_category
    description: str | None = Field(default=None, sa_column=Column(Text))
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = Field(default=None, max_length=512)
    district: str | None = Field(default=None, max_length=64)
    photos: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    editing: bool = False  # True while changing one field from the summary
    duplicate_checked: bool = False
    language: str = Field(default="en", max_length=8)
    created_at: datetime = _when()
    # not indexed: every step writes it; only the draft jobs (every ten minutes) ask by it
    updated_at: datetime = _when()
    reminded_at: datetime | None = _when(nullable=True)


class DepartmentTopic(SQLModel, table=True):
    """The forum topic that is a department's queue, created on first use and remembered."""

    __tablename__ = "department_topics"

    department: str = Field(primary_key=True, max_length=64)
    chat_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    thread_id: int = Field(sa_type=BigInteger)
    created_at: datetime = _when()


class ReportPhoto(SQLModel, table=True):
    __tablename__ = "report_photos"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    file_id: str = Field(max_length=256)
    file_unique_id: str | None = Field(default=None, max_length=128)
    position: int = 0
    stored_at: datetime | None = _when(nullable=True)  # downloaded, re-encoded, on disk


class EventKind(StrEnum):
    created = "created"
    status = "status"  # a transition from one status to another
    comment = "comment"  # an internal note of staff
    staff_reply = "staff_reply"  # relayed from staff to the resident
    resident_reply = "resident_reply"  # relayed from the resident to the card's thread
    reassigned = "reassigned"
    assigned = "assigned"  # an official took over a report without changing its status
    merged = "merged"  # another report was merged into this one as its duplicate
    feedback = "feedback"  # the reporter confirmed the fix (👍)
    recategorised = "recategorised"  # staff changed the category (note: "old→new")
    hidden = "hidden"  # an official hid the report from the public site
    published = "published"  # shown again (note: its new public text, when replaced)


class ReportEvent(SQLModel, table=True):
    """Everything that happened to a report, with who and when."""

    __tablename__ = "report_events"
    __table_args__ = (Index("ix_report_events_message", "chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    kind: str = Field(max_length=32)
    from_status: str | None = Field(default=None, max_length=32)
    to_status: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, sa_column=Column(Text))
    actor_kind: str = Field(default="system", max_length=16)  # resident, staff, system
    actor_telegram_id: int | None = _telegram_id(nullable=True)
    actor_name: str | None = Field(default=None, max_length=128)
    chat_id: int | None = _telegram_id(nullable=True)  # where the relayed message stands
    message_id: int | None = _telegram_id(nullable=True)
    file_id: str | None = Field(default=None, max_length=256)  # a relayed photo
    created_at: datetime = _when()


class Follower(SQLModel, table=True):
    """A resident who gets a report's updates (the reporter follows their own)."""

    __tablename__ = "followers"

    report_id: int = Field(foreign_key="reports.id", primary_key=True)
    resident_id: int = Field(foreign_key="residents.id", primary_key=True, index=True)
    created_at: datetime = _when()


class Frequency(StrEnum):
    daily = "daily"
    weekly = "weekly"
    never = "never"  # announcements only


class Subscription(SQLModel, table=True):
    """What a resident wants to hear about besides their own reports: digests and announcements.
    /unsubscribe (or a 403) sets active to False; the choices are kept for a later /subscribe."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_audience", "active", "frequency"),)

    resident_id: int = Field(foreign_key="residents.id", primary_key=True)
    active: bool = True
    frequency: str = Field(default=Frequency.weekly, max_length=16)
    districts: list[str] = Field(  # district ids; empty: the whole city
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    new_reports: bool = True  # topic: new reports in their districts
    resolved_reports: bool = True  # topic: reports resolved in their districts
    announcements: bool = True  # topic: city announcements
    proposals: bool = True  # topic: residents' proposals published and answered
    created_at: datetime = _when()
    updated_at: datetime = _when()


class BroadcastState(StrEnum):
    draft = "draft"  # an announcement being previewed
    preparing = "preparing"  # deliveries being queued (resumable)
    sending = "sending"  # every delivery queued; the courier sends them
    done = "done"  # every delivery recorded, the summary queued
    cancelled = "cancelled"


class Broadcast(SQLModel, table=True):
    """One run of a digest for one period, or one announcement. Its deliveries are outbox rows
    (broadcast_id), each queued under a dedupe key, so a resumed run never queues twice."""

    __tablename__ = "broadcasts"
    __table_args__ = (UniqueConstraint("name", "period", "run", name="uq_broadcasts_run"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # digest, announcement
    name: str = Field(max_length=64)  # the digest's name; "announcement"
    period: str = Field(max_length=64)  # the scheduled time it covers (an announcement: its key)
    run: int = 1  # 2, 3...: sent again with --force
    state: str = Field(default=BroadcastState.preparing, max_length=16)
    text: str | None = Field(default=None, sa_column=Column(Text))  # an announcement's text
    audience: dict[str, Any] = Field(  # an announcement's districts and topics
        default_factory=empty_dict, sa_column=Column(JSON, nullable=False)
    )
    recipients: int = 0  # who had something queued
    skipped: int = 0  # whose digest was empty (not sent)
    messages: int = 0  # deliveries queued (a long digest is several messages)
    created_by: str | None = Field(default=None, max_length=128)
    created_at: datetime = _when()
    started_at: datetime | None = _when(nullable=True)
    finished_at: datetime | None = _when(nullable=True)


class OutboxState(StrEnum):
    pending = "pending"
    sending = "sending"  # claimed by a sender; a stale claim is taken over
    sent = "sent"
    failed = "failed"  # gave up after the retries
    undeliverable = "undeliverable"  # 403: the resident blocked the bot


class OutboxMessage(SQLModel, table=True):
    """An outgoing Bot API call, claimed before sending so nothing is sent twice."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "next_attempt_at"),
        # which report a bot message belongs to, when someone replies to it
        Index("ix_outbox_sent_message", "chat_id", "sent_message_id"),
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # card, notification, reply, digest, ...
    method: str = Field(default="sendMessage", max_length=32)
    chat_id: int = _telegram_id()
    payload: dict[str, Any] = Field(default_factory=empty_dict,
                                    sa_column=Column(JSON, nullable=False))
    dedupe_key: str | None = Field(default=None, max_length=128)
    report_id: int | None = Field(default=None, foreign_key="reports.id", index=True)
    broadcast_id: int | None = Field(default=None, foreign_key="broadcasts.id", index=True)
    state: str = Field(default=OutboxState.pending, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _when()
    claimed_at: datetime | None = _when(nullable=True)
    claimed_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = _when(nullable=True)
    sent_message_id: int | None = _telegram_id(nullable=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = _when()


class HandoffStatus(StrEnum):
    open = "open"
    closed = "closed"


class Handoff(SQLModel, table=True):
    """A resident talking to a person: relayed into the helpdesk topic until staff close it."""

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_resident_status", "resident_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="residents.id")
    status: str = Field(default=HandoffStatus.open, max_length=16)
    language: str = Field(default="en", max_length=8)
    first_text: str | None = Field(default=None, sa_column=Column(Text))
    chat_id: int | None = _telegram_id(nullable=True)  # where its header card stands
    thread_id: int | None = _telegram_id(nullable=True)
    card_message_id: int | None = _telegram_id(nullable=True)
    opened_at: datetime = _when()
    closed_at: datetime | None = _when(nullable=True)
    closed_by: str | None = Field(default=None, max_length=16)  # staff, resident
    closed_by_name: str | None = Field(default=None, max_length=128)


class HandoffMessage(SQLModel, table=True):
    """One relayed message of a handoff conversation, either way."""

    __tablename__ = "handoff_messages"

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(foreign_key="handoffs.id", index=True)
    author: str = Field(max_length=16)  # resident, staff
    text: str | None = Field(default=None, sa_column=Column(Text))
    file_id: str | None = Field(default=None, max_length=256)
    actor_telegram_id: int | None = _telegram_id(nullable=True)
    actor_name: str | None = Field(default=None, max_length=128)
    chat_id: int | None = _telegram_id(nullable=True)  # the original message
    message_id: int | None = _telegram_id(nullable=True)
    created_at: datetime = _when()


class ProcessedUpdate(SQLModel, table=True):
    """Update ids already handled, so a re-delivered update is handled once."""

    __tablename__ = "processed_updates"

    update_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    bot_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    # not indexed: every update writes a row; only the sweep (every six hours) asks by it
    processed_at: datetime = _when()


class ConversationState(SQLModel, table=True):
    """aiogram FSM state and data, kept in SQL so a conversation survives a restart."""

    __tablename__ = "conversation_states"

    key: str = Field(primary_key=True, max_length=255)
    state: str | None = Field(default=None, max_length=255)
    data: dict[str, Any] = Field(default_factory=empty_dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _when()


class ApiKey(SQLModel, table=True):
    """A key of an Open311 client: only its SHA-256 is kept (a key is 256 random bits, so a
    fast hash is enough); revoked keys stay, so the source of their reports keeps its name."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    key_hash: str = Field(max_length=64, unique=True)
    per_minute: int = 600  # requests a minute the key may make
    created_at: datetime = _when()
    revoked_at: datetime | None = _when(nullable=True)


class Lease(SQLModel, table=True):
    """A named lease held by one worker until `expires_at` (renewed while it lives): the
    courier and the scheduler run only in the worker holding the "singletons" lease."""

    __tablename__ = "leases"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=128)
    expires_at: datetime = _when()
    acquired_at: datetime = _when()


class AuditRecord(SQLModel, table=True):
    """An official's action that read or changed a report (citybot audit): who, what, when.
    It holds no resident data: the official's Telegram id, the report's number, an action."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_official", "official_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when()
    official_id: int | None = _telegram_id(nullable=True)  # None: an anonymous administrator
    action: str = Field(max_length=32)  # report_viewed, take, resolve, reply, export, ...
    report_id: int | None = Field(default=None, index=True)  # None: many reports (an export)
    detail: str | None = Field(default=None, max_length=128)  # e.g. "new→acknowledged"


# ---- residents' proposals and city polls (issue #16) ----------------------------------------

class ProposalStatus(StrEnum):
    pending = "pending"  # waiting for moderation
    published = "published"  # collecting supports
    rejected = "rejected"  # by the moderators, with a reason
    threshold = "threshold"  # reached the threshold: the department must answer
    answered = "answered"  # the department answered (accepted / planned / rejected)
    expired = "expired"  # missed the threshold in time


class Proposal(SQLModel, table=True):
    """A resident's idea for the city; its public reference is `idea_<id>`."""

    __tablename__ = "proposals"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)  # the update that sent it: sent once
    author_id: int = Field(foreign_key="residents.id", index=True)
    title: str = Field(max_length=120)
    description: str = Field(sa_column=Column(Text, nullable=False))
    district: str = Field(max_length=64, index=True)
    photo_file_id: str | None = Field(default=None, max_length=256)
    status: str = Field(default=ProposalStatus.pending, max_length=16, index=True)
    supports: int = 0
    reject_reason: str | None = Field(default=None, sa_column=Column(Text))
    department: str | None = Field(default=None, max_length=64)
    answer: str | None = Field(default=None, max_length=16)  # accepted, planned, rejected
    answer_note: str | None = Field(default=None, sa_column=Column(Text))
    answer_due_at: datetime | None = _when(nullable=True)
    created_at: datetime = _when()
    published_at: datetime | None = _when(nullable=True)
    deadline_at: datetime | None = _when(nullable=True, index=True)  # for the threshold
    reached_at: datetime | None = _when(nullable=True)
    closed_at: datetime | None = _when(nullable=True)


class ProposalSupport(SQLModel, table=True):
    """One resident's support of one proposal: the unique pair makes a double tap one."""

    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "resident_id",
                                       name="uq_proposal_supports_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposals.id", index=True)
    resident_id: int = Field(foreign_key="residents.id", index=True)
    created_at: datetime = _when()


class PollState(StrEnum):
    draft = "draft"  # being previewed in the staff group
    open = "open"  # sent (or being sent) and taking answers
    closed = "closed"  # stopped, results sent


class Poll(SQLModel, table=True):
    """A city poll: a question and its options in both languages, sent as native polls."""

    __tablename__ = "polls"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)  # the command or file that created it
    question: dict[str, Any] = Field(default_factory=empty_dict,
                                     sa_column=Column(JSON, nullable=False))
    options: list[Any] = Field(default_factory=empty_list, sa_column=Column(JSON, nullable=False))
    audience: dict[str, Any] = Field(default_factory=empty_dict,
                                     sa_column=Column(JSON, nullable=False))
    state: str = Field(default=PollState.draft, max_length=16, index=True)
    closes_at: datetime = _when()
    broadcast_id: int | None = Field(default=None, foreign_key="broadcasts.id")
    created_by: str | None = Field(default=None, max_length=128)
    created_at: datetime = _when()
    closed_at: datetime | None = _when(nullable=True)


class PollMessage(SQLModel, table=True):
    """A native poll sent to one resident: Telegram's poll id tells whose answer is which."""

    __tablename__ = "poll_messages"

    telegram_poll_id: str = Field(primary_key=True, max_length=64)
    poll_id: int = Field(foreign_key="polls.id", index=True)
    chat_id: int = _telegram_id()
    message_id: int = _telegram_id()


class PollAnswer(SQLModel, table=True):
    """One resident's current answer to a poll: a change replaces it, a retraction empties it
    (not counted). `update_id` orders them: updates handled out of order (several workers)
    never let an older answer overwrite a newer one."""

    __tablename__ = "poll_answers"
    __table_args__ = (UniqueConstraint("poll_id", "user_id", name="uq_poll_answers_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="polls.id", index=True)
    user_id: int = _telegram_id()
    option_ids: list[Any] = Field(default_factory=empty_list,
                                  sa_column=Column(JSON, nullable=False))
    update_id: int = Field(default=0, sa_type=BigInteger)
    updated_at: datetime = _when()


class NluExampleStatus(StrEnum):
    new = "new"
    accepted = "accepted"
    dropped = "dropped"


class NluExample(SQLModel, table=True):
    """A labelled example learnt from an official's correction (a report's category changed, a
    message marked "not a report"), masked of personal data, waiting for `citybot nlu review`."""

    __tablename__ = "nlu_examples"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    language: str = Field(max_length=8)
    intent: str = Field(max_length=32)
    category: str | None = Field(default=None, max_length=32)
    source: str = Field(max_length=32)  # category_changed | not_a_report
    report_id: int | None = Field(default=None, index=True)
    status: str = Field(default=NluExampleStatus.new, max_length=16, index=True)
    created_at: datetime = _when()
    reviewed_at: datetime | None = _when(nullable=True)
