"""Every kind of outgoing message and how it is delivered: the one registry the courier reads.

A kind is what `citybot.storage.outbox.enqueue(kind=...)` writes on the row. Handlers, services
and jobs only queue data; a kind's delivery is the one place that turns it into Bot API calls.

- `as_queued`: the row already is one Bot API call (method + payload, text rendered when it was
  queued, in the reader's language). The courier sends these concurrently, each paced, and
  records them in group commits: the path of broadcasts' thousands of messages.
- any other function: the message is drawn from the database when it is sent (so a late or
  retried one shows the latest state), may take several calls (a card and its album) or need
  a topic created first; these go one at a time, in order.
"""

from __future__ import annotations

from citybot.outbox.bulletins import deliver_staff_digest, deliver_summary
from citybot.outbox.cards import deliver_card, deliver_card_edit
from citybot.outbox.courier import Delivery, as_queued
from citybot.outbox.forwarding import deliver_forward
from citybot.outbox.ideas import deliver_poll_chart, deliver_proposal_card
from citybot.outbox.photos import deliver_photos
from citybot.outbox.residents import (
    deliver_data_copy,
    deliver_draft_reminder,
    deliver_reporter_question,
)
from citybot.outbox.staff import deliver_to_helpdesk, deliver_to_thread

KINDS: dict[str, Delivery] = {
    # to residents (citybot.services.notify, relay, handoffs, broadcasts)
    "notification": as_queued,  # a report's news to its followers
    "reporter_question": deliver_reporter_question,  # the reporter's copy, with its buttons
    "relay": as_queued,  # an official's reply on the card
    "handoff_reply": as_queued,  # an official's message in a conversation with a person
    "digest": as_queued,  # a resident's digest (one row per message of a long digest)
    "announcement": as_queued,  # /announce or `citybot broadcast`
    "draft_reminder": deliver_draft_reminder,  # citybot.jobs
    "data_copy": deliver_data_copy,  # /mydata: everything held about the resident
    "retention_notice": as_queued,  # inactive: erased in a month (citybot.services.privacy)
    "proposal_news": as_queued,  # a proposal's news to its author or supporters
    "poll": as_queued,  # a city poll (sendPoll), a broadcast delivery (services.polls)
    "poll_stop": as_queued,  # stopPoll of a closed poll's message
    "poll_results": as_queued,  # a closed poll's results to one who answered
    # into the staff group
    "card": deliver_card,  # a new report in its department's queue (services.reports)
    "card_edit": deliver_card_edit,  # the card re-drawn in place
    "card_moved": as_queued,  # the old card of a reassigned report says where it went
    "thread": deliver_to_thread,  # a notice under the card
    "helpdesk": deliver_to_helpdesk,  # the helpdesk topic: a conversation's header or message
    "staff_digest": deliver_staff_digest,  # a department's digest in its queue topic
    "broadcast_summary": deliver_summary,  # how a digest run or announcement went
    "proposal_card": deliver_proposal_card,  # moderation, or the department's card
    "poll_chart": deliver_poll_chart,  # a closed poll's results with the chart
    # to a department's own case-management system (Open311), queued with the card
    "open311_forward": deliver_forward,
    # not a message: a new report's photos kept for the public site (services.reports)
    "store_photos": deliver_photos,
}
