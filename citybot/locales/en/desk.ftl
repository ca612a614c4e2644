## What residents hear from the city desk: status changes, staff replies, a person to talk to

notify-acknowledged = 👀 <b>#{ $number }</b> · { $department } has taken the report and will deal with it.
notify-in_progress = 🛠 <b>#{ $number }</b> · { $department }: work on the report has started.
notify-resolved = ✅ <b>#{ $number }</b> · { $department } has marked the report as resolved.
notify-rejected = ⛔ <b>#{ $number }</b> · { $department } has rejected the report.
notify-not_responsible = ↪️ <b>#{ $number }</b> · { $department }: this is not the city's responsibility.
notify-duplicate = 🔁 <b>#{ $number }</b> is the same problem as <b>#{ $original }</b>, which the city is already dealing with. You now follow #{ $original } and will hear about it.
notify-reopened = ↩️ <b>#{ $number }</b> · { $department }: the report was reopened.
notify-reassigned = ➡️ <b>#{ $number }</b> was passed to { $department }.
notify-new = 🆕 <b>#{ $number }</b> · { $department }: the report is waiting to be taken.
notify-note = 💬 { $note }
notify-reason = Reason: { $note }
notify-ask-fixed = Is it fixed? Let us know:
notify-can-reopen = Disagree? You can reopen it within { $days } days.

relay-reply-hint = <i>↩️ Reply to this message to answer.</i>

button-fixed = 👍 Yes, it is fixed
button-not-fixed = 👎 No, it is not
button-reopen = ↩️ Reopen
button-end-conversation = ✖️ End the conversation

followup-text-photo-only = I can pass on text and photos only. Please write in words, or send a photo.
followup-passed = ✉️ Passed to the staff working on <b>#{ $number }</b>. They will answer here.
followup-ended = OK, the conversation about <b>#{ $number }</b> is over. To answer staff later, reply to their message.
followup-not-reporter = Only the person who sent #{ $number } can do this.
followup-nothing-to-confirm = #{ $number } is no longer marked as resolved.
followup-thanks = Thank you for confirming! 👍 Glad that #{ $number } is fixed.
followup-too-late = #{ $number } was closed more than { $days } days ago and cannot be reopened. Please send a new report: /report
followup-cannot-reopen = #{ $number } is «{ $status }» and cannot be reopened.
followup-ask-reason = What is still wrong with <b>#{ $number }</b>? Write a few words: I will reopen the report and pass them to staff.
followup-reopened = ↩️ <b>#{ $number }</b> is open again, and staff have your words. I will keep you posted.
followup-reason-in-words = Please write in words what is still wrong, or press /cancel.

handoff-started = 👤 I have called a person from the city team. Write your question here — they will answer in this chat. Everything you write goes to them until the conversation ends.
handoff-already-open = 👤 You are already talking to the city team: just write here.
handoff-text-photo-only = I can pass on text and photos only. Please write in words, or send a photo.
handoff-ended = The conversation with the city team is over. Anything else?
handoff-closed-by-staff = 👤 The city team has closed the conversation. If you need anything else, write /human or choose below.
handoff-staff = 👤 <b>City staff</b>
handoff-staff-named = 👤 <b>{ $name }, city staff</b>
