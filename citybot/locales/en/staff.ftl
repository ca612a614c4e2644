## The staff group: queue cards, their buttons, notices in their threads, staff commands

card-map = {" "}(<a href="{ $url }">map</a>)
card-no-district = district unknown
card-no-address = no address given
card-filed = 🕒 Filed: { $when }
card-due = ⏰ Due: { $when }
card-overdue = ⚠️ <b>OVERDUE</b>
card-photos = 📷 Photos: { $count }
card-status = Status: <b>{ $status }</b>
card-last = 🕘 Last action: { $what } · { $when }
card-last-assigned = taken over by { $name }
card-last-reassigned = moved here from { $department }
card-last-merged = report #{ $number } merged into this one
card-last-reopened = reopened by the reporter
card-hashtag = #{ $tag }
card-photos-caption = #{ $number } · photos
card-moved = ➡️ <b>#{ $number }</b> moved to the queue of { $department }.

button-take = 🙋 Take
button-progress = 🛠 In progress
button-resolve = ✅ Resolved
button-reject = ⛔ Reject
button-not-ours = ↪️ Not our responsibility
button-duplicate = 🔁 Duplicate of #…
button-reassign = ➡️ Reassign
button-close-conversation = ✖️ Close the conversation

## Answers to the official who pressed a button

staff-use-in-group = Staff buttons and commands work in the staff group only.
staff-unknown-report = There is no report #{ $number }.
staff-taken = 🙋 #{ $number } is yours now.
staff-done = Done: #{ $number } is now «{ $status }».
staff-ask-resolve = { $name }, how was #{ $number } resolved? Reply to this message with a short note for the resident (a photo of the result is welcome). /cancel to stop.
staff-ask-reject = { $name }, why is #{ $number } rejected? Reply to this message with the reason — the resident will read it. /cancel to stop.
staff-ask-not_responsible = { $name }, whose responsibility is #{ $number }? Reply to this message with the reason and, if you can, who deals with it — the resident will read it. /cancel to stop.
staff-ask-duplicate = { $name }, which report is #{ $number } a duplicate of? Reply to this message with its number, e.g. 12. /cancel to stop.
staff-note-too-long = That is too long for a note: please keep it under { $max } characters.
staff-need-number = Please reply with the number of the original report, e.g. 12.
staff-note-cancelled = Cancelled: nothing changed.
staff-pick-department = Which department should take #{ $number }?
staff-moved = ➡️ #{ $number } moved to { $department }.
staff-reply-unknown = I cannot tell which report this belongs to. Reply to the report's card, or to a resident's message under it.
staff-relay-text-photo-only = Only text and photos are passed on to residents.
staff-resident-blocked = ⚠️ The resident of #{ $number } has blocked the bot: they may not get this.
staff-report-usage = Write the report's number, e.g. /report 12.

staff-refused-closed = #{ $number } is already «{ $status }»: nothing changed.
staff-refused-already-yours = #{ $number } is already yours.
staff-refused-already = #{ $number } is already «{ $status }».
staff-refused-note-needed = Please write a note for the resident: it cannot be empty.
staff-refused-no-report = There is no report #{ $number }. Reply with the number of an existing report.
staff-refused-duplicate-self = A report cannot be a duplicate of itself. Reply with the number of the original report.
staff-refused-no-department = There is no such department.
staff-refused-same-department = #{ $number } is already in that department's queue.

## Notices in a card's thread

thread-resident-says = 💬 <b>#{ $number }</b> · { $who ->
    [reporter] reporter
   *[other] follower
  }: { $text }
thread-undeliverable = ⚠️ <b>#{ $number }</b>: a message to the { $who ->
    [reporter] reporter
   *[other] follower
  } was not delivered — they have blocked the bot.
thread-sla = ⏰ <b>#{ $number }</b> is overdue: it was due { $due }. Status: { $status }; { $assignee }.
thread-sla-assignee = assigned to { $name }
thread-sla-nobody = nobody has taken it yet
thread-reopened = ↩️ <b>#{ $number }</b> was reopened by the reporter: { $reason }
thread-confirmed = 👍 The reporter confirms that <b>#{ $number }</b> is fixed.
thread-merged = 🔁 <b>#{ $duplicate }</b> was merged into <b>#{ $number }</b> as a duplicate; { $count } of its followers now follow this report.

## The helpdesk topic: conversations with a person

helpdesk-topic-name = Helpdesk
helpdesk-header = 💬 <b>Conversation { $number }</b> with a resident ({ $language })
helpdesk-opened = Opened: { $when }
helpdesk-first-message = First message: { $text }
helpdesk-howto = Reply to this message or to the resident's messages to answer them; press «Close» when you are done.
helpdesk-closed-by = ✖️ Closed by { $name }.
helpdesk-ended-by-resident = ✖️ The resident ended conversation { $number }.
helpdesk-resident-says = 💬 Conversation { $number } · resident: { $text }
helpdesk-undeliverable = ⚠️ Conversation { $number }: a reply was not delivered — the resident has blocked the bot.
helpdesk-closed = Conversation { $number } is closed.
helpdesk-closed-already = Conversation { $number } is already closed.

## Staff commands: /queue, /report N, /stats

queue-all = All departments
queue-title = 📋 <b>{ $department }</b> — open reports: { $count }, oldest first
queue-empty = ✨ { $department }: no open reports.
queue-overdue = ⚠️ overdue by { $hours } h
queue-due = ⏰ { $hours } h left
queue-more = …and { $count } more

history-title = History
history-received = report received
history-taken-over = taken over
history-moved = moved to another department
history-merged = merged into this report:
history-to-resident = to the resident
history-reporter = reporter
history-follower = follower
history-staff = staff
history-confirmed = the reporter confirmed it is fixed

stats-title = 📊 <b>{ $department }</b>: reports by status
stats-open = Open: { $open }, overdue: { $overdue }
stats-median = Median time to resolve: { $time } ({ $count } resolved)
stats-no-median = Median time to resolve: nothing resolved yet
unit-min = min
unit-h = h
unit-d = d
