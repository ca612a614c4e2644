## Privacy: the notice, a copy of one's data, erasure (/privacy, /mydata, /forget)

start-privacy-line = 🔒 I keep your Telegram id, name, language and what you send me, only to handle your reports and questions. Details: /privacy
menu-privacy = 🔒 Privacy
command-privacy = What I keep about you, and why
command-mydata = A copy of everything I keep about you
command-forget = Erase everything I keep about you

privacy-notice =
    <b>🔒 Your data</b>
    <b>Who is responsible:</b> { $controller }. Write to { $contact } about your data.

    <b>What I keep:</b> your Telegram id, first name and language; the reports you send (description, place, photos) and the ones you follow; your messages to and from city officials; your subscriptions; a report you are still writing.
    <b>Why:</b> to pass your reports to the right department, to tell you what happens to them, and to answer your questions. Officials never see your name or Telegram id.

    <b>How long:</b>
    • a report you have not finished: { $draft_hours } hours;
    • messages between you and officials: { $relayed_days } days after the report is closed;
    • technical records of your messages: { $updates_days } days;
    • everything, if you do not write to me for { $inactive_years } years (I warn you { $notice_days } days before).
    Reports stay in the city's records, without anything that links them to you.

    <b>Your rights:</b>
    /mydata — a copy of everything I keep about you;
    /forget — erase it all.
privacy-mydata-queued = 📦 I am putting together a copy of everything I keep about you. It will come here in a moment as two files: one for computers (JSON) and one to read.
mydata-caption = 📦 Everything I keep about you, as of today. Questions: { $contact }
privacy-forget-confirm =
    <b>Erase everything I keep about you?</b>
    Your profile, subscriptions, drafts and messages with officials are deleted, and you stop following reports. The reports you sent stay in the city's records, without your name or Telegram id; officials can no longer write to you about them.
    This cannot be undone.
button-forget-confirm = 🗑 Yes, erase everything
button-forget-keep = No, keep it
privacy-forgotten = ✅ Done: I have erased everything I kept about you. If you write to me again, we start afresh.
privacy-forget-kept = OK, nothing was erased.
privacy-inactive-notice = 🔒 You have not written to me for a long time. In { $days } days I will erase everything I keep about you (your reports stay in the city's records, without your name). To keep it, just send me any message. /privacy

mydata-text-title = Everything CityBot keeps about you
mydata-text-controller = Responsible: { $controller } ({ $contact })
mydata-text-profile = Profile
mydata-text-report-filed = Report #{ $number } (you sent it) — { $status }
mydata-text-report-followed = Report #{ $number } (you follow it) — { $status }
mydata-text-conversation = Conversation with a person #{ $number }
mydata-text-subscription = Subscription
mydata-text-draft = Report you are writing
mydata-text-proposal = Your proposal { $number } — { $status }
mydata-text-supports = Proposals you support
mydata-text-poll = Your answer to city poll #{ $number }

card-resident-erased = 🕳 The resident has erased their data.
staff-resident-erased = The resident has erased their data (#{ $number }): replies can no longer reach them.
menu-words-privacy = privacy, my data, privacy policy
