"""Every conversation state of the bot, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.fsm.state import State, StatesGroup

if TYPE_CHECKING:
    from citybot.storage.models import ReportDraft


class ReportFlow(StatesGroup):
    """A report being written. Its step is the draft's own (`ReportDraft.step`, saved with the
    resident's answer in one write); the conversation's stored state is `drafting` for as long
    as it lasts, and the handlers see the draft's step in its place (`in_force`). One write per
    step, not two, and the step and the answers can never disagree."""

    drafting = State()
    confirm_category = State()
    category = State()
    description = State()
    location = State()
    photos = State()
    summary = State()
    duplicate = State()


def in_force(stored: str | None, draft: ReportDraft | None) -> str | None:
    """The state the handlers see, from the one stored and the resident's draft: for
    `ReportFlow.drafting`, the draft's step (with no draft left, `drafting` itself: the report's
    dialog says the draft is gone). A step stored by an earlier version is seen as it is."""
    if stored == ReportFlow.drafting.state and draft is not None:
        step = getattr(ReportFlow, draft.step, None)
        if isinstance(step, State):
            return step.state
    return stored


class AskFlow(StatesGroup):
    question = State()


class StaffFlow(StatesGroup):
    note = State()  # an official writes the note a button asked for


class FollowupFlow(StatesGroup):
    reopen_reason = State()  # the reporter says what is still wrong


class ProposalFlow(StatesGroup):
    title = State()
    description = State()
    district = State()
    photo = State()
    summary = State()


class IdeaStaffFlow(StatesGroup):
    note = State()  # an official writes a rejection's reason or the department's answer


class PollFlow(StatesGroup):
    question = State()  # an official writes a poll (the file format) after /poll
