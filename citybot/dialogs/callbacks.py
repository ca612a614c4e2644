"""Versioned callback data of every inline button: bump the prefix when a shape changes,
so that buttons on old messages are recognised as stale instead of misread."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageChoice(CallbackData, prefix="lang1"):
    language: str


class CategoryPick(CallbackData, prefix="cat1"):
    category: str


class ReportAction(CallbackData, prefix="rep1"):
    """A button of the report conversation; `value` carries a field, an index or a number."""

    action: str
    value: str = ""


class OpenReport(CallbackData, prefix="my1"):
    number: int


class StaffAction(CallbackData, prefix="st1"):
    """A button of a queue card; `value` carries a department for Reassign."""

    action: str
    report: int
    value: str = ""


class HelpdeskAction(CallbackData, prefix="hd1"):
    """A staff button of a helpdesk conversation (Close)."""

    action: str
    handoff: int


class FollowupAction(CallbackData, prefix="fu1"):
    """A resident's button about one of their reports: fixed, not_fixed, reopen, end."""

    action: str
    report: int


class HandoffAction(CallbackData, prefix="ho1"):
    """A resident's button of a conversation with a person (End)."""

    action: str
    handoff: int


class FaqKey(CallbackData, prefix="faq1", sep="|"):
    """A button of an answer: a key of the knowledge base (see citybot.knowledge.answers)."""

    key: str


class SubscriptionAction(CallbackData, prefix="sub1"):
    """A resident's button of the subscription panel; `value` carries a district, frequency or
    topic."""

    action: str
    value: str = ""


class AnnounceAction(CallbackData, prefix="an1"):
    """A staff button of an announcement's preview: a district or topic toggled, send, cancel."""

    action: str
    broadcast: int
    value: str = ""


class PrivacyAction(CallbackData, prefix="pv1"):
    """A resident's button of /forget: erase, keep."""

    action: str


class IdeaAction(CallbackData, prefix="id1"):
    """A resident's button of the proposals: open, support, withdraw, a list (sort, district,
    page), a step of /propose (district, skip photo, send, cancel)."""

    action: str
    proposal: int = 0
    value: str = ""


class IdeaStaffAction(CallbackData, prefix="is1"):
    """A staff button of a proposal's card: approve, reject (moderation); accepted, planned,
    rejected (the department's answer)."""

    action: str
    proposal: int


class PollAction(CallbackData, prefix="po1"):
    """A staff button of a poll's preview: send, cancel."""

    action: str
    poll: int


class FollowPublic(CallbackData, prefix="pf1"):
    """Follow, under a report opened from the public site (t.me/<bot>?start=report_<n>)."""

    report: int
