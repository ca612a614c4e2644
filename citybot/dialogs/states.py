"""Every conversation state of the bot, in one place."""

from aiogram.fsm.state import State, StatesGroup


class ReportFlow(StatesGroup):
    confirm_category = State()
    category = State()
    description = State()
    location = State()
    photos = State()
    summary = State()
    duplicate = State()


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
