## Subscriptions, digests and announcements

command-subscribe = Digests and city announcements
command-staff-announce = /announce TEXT — an announcement to subscribers
settings-subscriptions = 🔔 Digests and announcements

sub-title = 🔔 <b>Digests and announcements</b>
sub-on = You are subscribed.
sub-off = You are not subscribed: you hear only about your own reports. Subscribe to get a digest of what is reported and fixed in your districts, and the city's announcements.
sub-done = ✅ Done: you are subscribed to the weekly digest of the whole city. Refine it below.
sub-frequency-line = 🗓 Digest: { $frequency }
sub-districts-line = 📍 Districts: { $districts }
sub-topics-line = 🏷 Topics: { $topics }
sub-whole-city = the whole city
sub-whole-city-button = The whole city
sub-no-topics = none
sub-frequency-daily = every day
sub-frequency-weekly = every week
sub-frequency-never = never (announcements only)
sub-topic-new_reports = 🆕 New reports nearby
sub-topic-resolved_reports = ✅ Resolved reports
sub-topic-announcements = 📣 City announcements
sub-button-subscribe = 🔔 Subscribe
sub-button-districts = 📍 Districts
sub-button-frequency = 🗓 How often
sub-button-topics = 🏷 Topics
sub-button-unsubscribe = 🔕 Unsubscribe
sub-button-done = ✔️ Done
sub-choose-districts = Choose the districts you want to hear about (none chosen: the whole city).
sub-choose-topics = Choose what the digest tells you about.
sub-choose-frequency = How often do you want the digest?
sub-stopped = 🔕 You are unsubscribed: no more digests or announcements. You still hear about your own reports. To come back: /subscribe
sub-not-subscribed = You are not subscribed to digests or announcements. To subscribe: /subscribe

digest-title = 📰 <b>{ $city }: { $frequency ->
    [daily] your daily digest
   *[weekly] your weekly digest
  }</b>
digest-period = { $period } · 📍 { $districts }
digest-whole-city = the whole city
digest-resolved-title = ✅ <b>Resolved: { $count }</b>
digest-new-title = 🆕 <b>New reports: { $count }</b>
digest-mine-title = 📋 <b>Your reports with news: { $count }</b>
digest-more = …and { $count } more
digest-footer = <i>/subscribe — change what you get · /unsubscribe — stop</i>

digest-staff-title = 📊 <b>{ $department }: the queue today</b>
digest-staff-period = 🕘 Period: { $period }
digest-staff-new = 🆕 New: { $count }
digest-staff-open = 📂 Open: { $count }
digest-staff-overdue = ⏰ Overdue: { $count }
digest-staff-oldest-title = <b>Overdue the longest</b>

announce-header = 📣 <b>{ $city } city announcement</b>
announce-footer = <i>/subscribe — change what you get · /unsubscribe — stop</i>
announce-usage = Write the announcement after the command, e.g. /announce Water will be off on Mira Avenue on Friday from 9:00 to 13:00. You will see a preview before anything is sent.
announce-too-long = That announcement is { $length } characters long; please keep it under { $limit }.
announce-preview-title = 📣 <b>Preview</b> — residents will read:
announce-audience = 👥 To subscribers of { $topics } in { $districts }: <b>{ $count }</b> residents. Choose districts and topics below, then send.
announce-button-send = 📣 Send to { $count }
announce-button-cancel = ✖️ Cancel
announce-cancelled = ✖️ Announcement cancelled: nothing was sent.
announce-nobody = No subscriber matches these districts and topics: choose others.
announce-sending = 📣 { $name } sent this announcement to { $count } subscribers. A summary follows when every message is delivered.
announce-already = This announcement is already { $state }.
announce-state-draft = a draft
announce-state-preparing = being sent
announce-state-sending = being sent
announce-state-done = sent
announce-state-cancelled = cancelled

summary-digest = 📬 <b>Digest «{ $name }»</b> for { $period } is sent.
summary-announcement = 📬 <b>The announcement</b> by { $author } is sent.
summary-delivered = Delivered to { $delivered } of { $recipients } recipients.
summary-took = Took { $minutes } min { $seconds } s.
summary-blocked = { $count } blocked the bot and were unsubscribed.
summary-failed = { $count } could not be delivered (Telegram errors).
summary-skipped = { $count } had nothing new: no digest sent to them.
