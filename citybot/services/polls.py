"""City polls: a question in both languages with 2–10 options, sent as a native Telegram poll
to every resident of its audience, answered with poll_answer updates, closed with the results.

    draft (/poll's preview) ──send──▶ open (a broadcast run of "poll" deliveries: sendPoll,
    paced, resumable, exactly once) ──closes_at──▶ closed (stopPoll on every message, the
    results to each who answered and, with a chart, to the staff group)

Telegram's id of each resident's poll is recorded with the delivery (the courier's group
commit, storage.polls), so an answer is matched to its poll. One answer per resident and poll
(a unique row): a change replaces it, a retraction (no options) removes it, and an update sent
twice leaves the same row.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig
from citybot.config.errors import key_path as _key_path
from citybot.config.loading import _line_of
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import broadcasts
from citybot.storage import broadcasts as runs
from citybot.storage import outbox
from citybot.storage import polls as stored
from citybot.storage.models import (
    Broadcast,
    Poll,
    PollAnswer,
    PollState,
    Resident,
    utcnow,
)
from citybot.storage.subscriptions import announcement_audience

log = logging.getLogger("citybot.polls")

MAX_QUESTION, MAX_OPTION = 300, 100  # Telegram's limits
# libyaml reads `{en: Which first?, ru: …}` as the poll file's contract writes it; PyYAML's own
# scanner stops a plain scalar at "?" inside braces
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
EXAMPLE = """question: {en: Which should the city improve first?, ru: Что улучшить первым?}
options:
  - {en: Parks, ru: Парки}
  - {en: Roads, ru: Дороги}
audience: everyone
closes: 2026-12-31T18:00:00+03:00"""  # the format, shown by /poll alone


# ---- the poll file (`citybot poll create --file`, and the text after /poll) ----------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionText(_Strict):
    en: Annotated[str, Field(min_length=1, max_length=MAX_QUESTION)]
    ru: Annotated[str, Field(min_length=1, max_length=MAX_QUESTION)]


class OptionText(_Strict):
    en: Annotated[str, Field(min_length=1, max_length=MAX_OPTION)]
    ru: Annotated[str, Field(min_length=1, max_length=MAX_OPTION)]


class DistrictAudience(_Strict):
    districts: Annotated[list[str], Field(min_length=1)]


class PollSpec(_Strict):
    question: QuestionText
    options: Annotated[list[OptionText], Field(min_length=2, max_length=10)]
    audience: Literal["everyone"] | DistrictAudience = "everyone"
    closes: AwareDatetime

    @field_validator("closes")
    @classmethod
    def _in_the_future(cls, value: datetime) -> datetime:
        if value <= datetime.now(UTC):
            raise ValueError(f"must be in the future, got {value.isoformat()}")
        return value

    @property
    def districts(self) -> list[str]:
        return [] if self.audience == "everyone" else list(self.audience.districts)


class PollFileError(ValueError):
    """A wrong poll file: one line per problem, `<name>: <key path>: <reason> (line N)`."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def parse_spec(text: str, config: CityConfig, name: str = "poll") -> PollSpec:
    try:
        root = yaml.compose(text, Loader=LOADER)
        data = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as error:
        raise PollFileError([f"{name}: YAML syntax error: {error}"]) from None
    if not isinstance(data, dict):
        raise PollFileError([f"{name}: expected question:, options:, audience:, closes: at the "
                             "top level"])
    try:
        spec = PollSpec.model_validate(data)
    except ValidationError as error:
        raise PollFileError([_problem(name, item, root) for item in error.errors()]) from None
    known = {d.id for d in config.city.districts}
    unknown = [d for d in spec.districts if d not in known]
    if unknown:
        line = _line_of(root, ("audience", "districts"))
        raise PollFileError([f"{name}: audience.districts: no district {unknown[0]!r} in the "
                             f"config (districts: {', '.join(sorted(known))})"
                             + (f" (line {line})" if line else "")])
    return spec


def _problem(name: str, item: dict[str, Any], root: yaml.Node) -> str:
    loc = tuple(p for p in item["loc"] if p not in ("literal['everyone']", "DistrictAudience"))
    kind = item["type"]
    if kind == "missing":
        reason = "missing (this key is required)"
    elif kind == "extra_forbidden":
        reason = "unknown key"
    else:
        reason = item["msg"].removeprefix("Value error, ")
        if isinstance(item.get("input"), str | int | float) and "got" not in reason:
            reason += f", got {item['input']!r}"
    line = _line_of(root, loc)
    return f"{name}: {_key_path(loc) or '(top level)'}: {reason}" + \
        (f" (line {line})" if line else "")


def load_spec(path: str | Path, config: CityConfig) -> tuple[PollSpec, str]:
    """The poll file and its key (the same file creates one poll)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PollFileError([f"{path}: cannot read the file: {error}"]) from None
    return parse_spec(text, config, str(path)), "file:" + hashlib.sha1(text.encode()).hexdigest()


# ---- creating and sending -------------------------------------------------------------------

async def create(*, session: AsyncSession, spec: PollSpec, key: str,
                 created_by: str | None = None) -> Poll | None:
    """A new draft poll (None when `key` created one before)."""
    poll = Poll(key=key[:64], question=spec.question.model_dump(),
                options=[o.model_dump() for o in spec.options],
                audience={"districts": spec.districts}, closes_at=spec.closes.astimezone(UTC),
                created_by=created_by)
    try:
        async with session.begin_nested():
            session.add(poll)
            await session.flush()
    except IntegrityError:
        return None
    return poll


async def by_key(*, session: AsyncSession, key: str) -> Poll | None:
    return (await session.exec(select(Poll).where(Poll.key == key[:64]))).first()


async def audience_size(*, session: AsyncSession, poll: Poll) -> int:
    return len(await announcement_audience(session=session, **_audience(poll)))


def _audience(poll: Poll) -> dict[str, list[str]]:
    return {"districts": list(poll.audience.get("districts", [])), "topics": ["announcements"]}


async def start(*, session: AsyncSession, poll_id: int) -> Broadcast | None:
    """A draft confirmed: open, with its broadcast run (preparing) — once (None if it was not a
    draft any more). Committed by the caller; `send` then runs it."""
    result = await session.exec(update(Poll).where(Poll.id == poll_id,
                                                   Poll.state == PollState.draft)
                                .values(state=PollState.open))
    if result.rowcount != 1:
        return None
    broadcast = await runs.create_run(session=session, broadcast=Broadcast(
        kind="poll", name="poll", period=f"poll:{poll_id}", started_at=utcnow(),
        audience=_audience(await session.get(Poll, poll_id))))
    await session.exec(update(Poll).where(Poll.id == poll_id)
                       .values(broadcast_id=broadcast.id))
    return broadcast


async def send(runtime: Runtime, poll_id: int, *, progress: broadcasts.Progress | None = None,
               wait_summary: bool = False) -> broadcasts.Summary:
    """The poll's run: every resident of the audience gets the native poll, once."""
    async with runtime.sessions() as session:
        poll = await session.get(Poll, poll_id)
    return await broadcasts.run_by_id(runtime, poll.broadcast_id, progress=progress,
                                      wait_summary=wait_summary)


def question_in(poll: Poll, lang: str) -> str:
    return poll.question.get(lang) or poll.question["en"]


def options_in(poll: Poll, lang: str) -> list[str]:
    return [option.get(lang) or option["en"] for option in poll.options]


# ---- answers --------------------------------------------------------------------------------

@dataclass
class Answered:
    outcome: str  # counted, retracted, closed, unknown, invalid
    poll: Poll | None = None  # when it was read (not for an answer that counted at once)


async def record_answer(*, session: AsyncSession, telegram_poll_id: str, user_id: int,
                        option_ids: list[int], update_id: int,
                        now: datetime | None = None) -> Answered:
    """A resident's vote (or its retraction: no options) in the caller's transaction. Kept only
    when it is newer (`update_id`) than the answer stored: workers may handle one resident's
    updates out of order, and a re-sent update changes nothing. A vote or retraction that counts
    costs one statement (and then `poll` is not read); anything else is told apart below."""
    now = now or utcnow()
    if len(option_ids) <= 1 and all(i >= 0 for i in option_ids) and await stored.answer_open_poll(
            session=session, telegram_poll_id=telegram_poll_id, user_id=user_id,
            option_ids=list(option_ids), update_id=update_id, now=now):
        return Answered("retracted" if not option_ids else "counted")
    poll = await stored.poll_of_message(session=session, telegram_poll_id=telegram_poll_id)
    if poll is None:
        return Answered("unknown")
    if poll.state != PollState.open or poll.closes_at <= now:
        return Answered("closed", poll)
    if any(not 0 <= i < len(poll.options) for i in option_ids) or len(option_ids) > 1:
        return Answered("invalid", poll)
    await stored.keep_newer_answer(session=session, poll_id=poll.id, user_id=user_id,
                                   option_ids=list(option_ids), update_id=update_id)
    return Answered("retracted" if not option_ids else "counted", poll)


@dataclass
class Tally:
    poll: Poll
    counts: list[int]
    voters: int
    recipients: int  # residents the poll was queued for


async def tally(*, session: AsyncSession, poll: Poll) -> Tally:
    counts = [0] * len(poll.options)
    rows = [row for row in await stored.answers(session=session, poll_id=poll.id)
            if row.option_ids]  # a retracted answer is not counted
    for row in rows:
        for option in row.option_ids:
            if 0 <= option < len(counts):
                counts[option] += 1
    recipients = 0
    if poll.broadcast_id is not None:
        recipients = (await session.get(Broadcast, poll.broadcast_id)).recipients
    return Tally(poll=poll, counts=counts, voters=len(rows), recipients=recipients)


def results_text(result: Tally, texts: Texts, *, header: str = "poll-results") -> str:
    poll = result.poll
    lines = [texts(header, number=str(poll.id), question=question_in(poll, texts.lang),
                   voters=result.voters, recipients=result.recipients)]
    for index, (option, count) in enumerate(zip(options_in(poll, texts.lang), result.counts,
                                                strict=True), start=1):
        share = round(100 * count / result.voters) if result.voters else 0
        lines.append(texts("poll-results-line", index=index, option=option, count=count,
                           share=share))
    return "\n".join(lines)


def chart_png(result: Tally) -> bytes:
    """A bar chart of the results: one numbered bar per option, with its share."""
    from PIL import Image, ImageDraw, ImageFont

    width, bar, gap, left = 800, 44, 16, 70
    height = gap + len(result.counts) * (bar + gap)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=24)
    most = max(result.counts) or 1
    for index, count in enumerate(result.counts):
        top = gap + index * (bar + gap)
        share = round(100 * count / result.voters) if result.voters else 0
        length = int((width - left - 150) * count / most)
        draw.text((16, top + 8), f"{index + 1}.", fill="black", font=font)
        draw.rectangle((left, top, left + max(length, 2), top + bar), fill=(52, 120, 200))
        draw.text((left + length + 12, top + 8), f"{share}% ({count})", fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# ---- closing --------------------------------------------------------------------------------

async def close(runtime: Runtime, poll_id: int, *, now: datetime | None = None) -> bool:
    """Close one open poll, once: stop every resident's poll, queue the results to each who
    answered (in their language) and to the staff group with the chart."""
    async with runtime.sessions() as session:
        result = await session.exec(update(Poll).where(
            Poll.id == poll_id, Poll.state == PollState.open).values(
            state=PollState.closed, closed_at=now or utcnow()))
        if result.rowcount != 1:
            return False
        poll = await session.get(Poll, poll_id, populate_existing=True)
        final = await tally(session=session, poll=poll)
        rows = [{"kind": "poll_stop", "method": "stopPoll", "chat_id": message.chat_id,
                 "payload": {"message_id": message.message_id},
                 "dedupe_key": f"poll:{poll.id}:stop:{message.chat_id}"}
                for message in await stored.messages(session=session, poll_id=poll.id)]
        voters = select(Resident, PollAnswer.option_ids).join(
            PollAnswer, col(PollAnswer.user_id) == col(Resident.telegram_id)).where(
            PollAnswer.poll_id == poll.id, col(Resident.blocked_bot).is_(False))
        rendered: dict[str, str] = {}
        for resident, chosen in (await session.exec(voters)).all():
            if not chosen:
                continue  # retracted
            texts = runtime.translator(resident.language)
            if texts.lang not in rendered:
                rendered[texts.lang] = results_text(final, texts)
            rows.append({"kind": "poll_results", "chat_id": resident.telegram_id,
                         "payload": {"text": rendered[texts.lang]},
                         "dedupe_key": f"poll:{poll.id}:results:{resident.telegram_id}"})
        for start_at in range(0, len(rows), 1000):
            await runs.queue_deliveries(session=session, rows=rows[start_at:start_at + 1000])
        await outbox.enqueue(session=session, kind="poll_chart", chat_id=runtime.staff_chat_id,
                             payload={"poll": poll.id}, dedupe_key=f"poll:{poll.id}:chart")
        await session.commit()
    runtime.wake_courier()
    log.info("poll closed id=%s voters=%s recipients=%s", poll_id, final.voters,
             final.recipients)
    return True


async def close_due(runtime: Runtime, *, now: datetime | None = None) -> int:
    """Every open poll whose closing time passed (the scheduled job; tests call it too)."""
    now = now or utcnow()
    async with runtime.sessions() as session:
        due = select(Poll.id).where(Poll.state == PollState.open, col(Poll.closes_at) <= now)
        ids = list((await session.exec(due)).all())
    return sum([await close(runtime, poll_id, now=now) for poll_id in ids])


async def is_draft(*, session: AsyncSession, poll_id: int) -> Poll | None:
    poll = await session.get(Poll, poll_id)
    return poll if poll is not None and poll.state == PollState.draft else None


async def cancel(*, session: AsyncSession, poll_id: int) -> bool:
    result = await session.exec(update(Poll).where(Poll.id == poll_id,
                                                   Poll.state == PollState.draft)
                                .values(state=PollState.closed, closed_at=utcnow()))
    return result.rowcount == 1

