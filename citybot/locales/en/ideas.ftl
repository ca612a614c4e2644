## Residents' proposals (/propose, /ideas) and city polls (/poll)

menu-ideas = 💡 Ideas for the city
command-propose = propose an idea for the city
command-ideas = residents' ideas: browse and support
command-staff-poll = a city poll: /poll (new) or /poll N (tallies)

idea-ask-title =
    💡 <b>A proposal for the city</b>
    What is your idea? Give it a short title ({ $min }–{ $max } characters).
    /cancel stops.
idea-ask-description = Describe it: what should change, where, and why it helps ({ $min }–{ $max } characters).
idea-ask-district = Which district is it for? Choose one, or share a location.
idea-ask-photo = Add a photo if you have one, or skip.
idea-button-skip-photo = Skip
idea-summary =
    <b>Your proposal</b>
    <b>{ $title }</b>
    { $description }
    📍 { $district }{ $photo ->
        [yes] {" "}· 📷 a photo
       *[no] {""}
    }
    Send it to the city? Moderators check it before it is published.
idea-button-send = ✅ Send
idea-button-cancel = ✖️ Cancel
idea-sent = Thank you! Your proposal idea_{ $number } is with the moderators. I will tell you when it is published.
idea-cancelled = Your proposal was not sent.
idea-title-length = A title has { $min }–{ $max } characters; yours has { $length }. Please write it again.
idea-description-length = A description has { $min }–{ $max } characters; yours has { $length }. Please write it again.
idea-text-expected = Please write it as text.
idea-photo-expected = Please send a photo, or press Skip.
idea-district-outside = That place is not in the city. Choose a district below.
idea-flow-gone = This proposal is no longer being written. Start again with /propose.

idea-published =
    🎉 Your proposal idea_{ $number } «{ $title }» is published!
    When { $threshold } residents support it within { $days } days, the city must answer.
    Share it: { $link }
idea-rejected =
    Your proposal idea_{ $number } «{ $title }» was not published.
    The moderators' reason: { $reason }
idea-reached = 🏛 Your proposal idea_{ $number } «{ $title }» has { $count } supports: it went to the city, which must answer. I will tell you the answer.
idea-answered =
    🏛 The city answered proposal idea_{ $number } «{ $title }»: <b>{ $decision }</b>
    { $note }
idea-expired = Your proposal idea_{ $number } «{ $title }» closed with { $count } of { $threshold } supports. Thank you for putting it forward.
idea-decision-accepted = accepted
idea-decision-planned = planned
idea-decision-rejected = rejected

ideas-title = 💡 <b>Residents' ideas</b> ({ $count }) · { $sort } · { $district }
ideas-empty = No published ideas here yet. Be the first: /propose
ideas-sort-new = newest
ideas-sort-top = most supported
ideas-all-districts = whole city
ideas-button-propose = ➕ Propose an idea
ideas-button-more = More ▶
ideas-line = { $supports } 👍 · { $title }
idea-card =
    💡 <b>idea_{ $number }: { $title }</b>
    📍 { $district }
    { $description }

    👍 { $supports } of { $threshold } supports
    { $status }
    { $link }
idea-status-published = Open for support until { $until }.
idea-status-threshold = Reached the threshold: the city is preparing its answer.
idea-status-answered = The city's answer: <b>{ $decision }</b> — { $note }
idea-status-expired = Closed: it did not reach the threshold in time.
idea-button-support = 👍 Support
idea-button-withdraw = ↩️ Withdraw my support
idea-supported = Thank you for your support!
idea-withdrawn = Your support is withdrawn.
idea-already-supported = You already support this idea.
idea-not-supported = You do not support this idea.
idea-not-found = There is no published idea with that number.
idea-closed = This idea is closed: it takes no more supports.

## staff side of proposals
proposals-topic-name = Proposals
idea-staff-card =
    💡 <b>Proposal idea_{ $number }</b> · { $district }
    <b>{ $title }</b>
    { $description }
    { $status }
idea-staff-status-pending = Waiting for moderation: approve to publish, or reject with a reason.
idea-staff-status-published = ✅ Published by { $name }.
idea-staff-status-rejected = ✖️ Rejected by { $name }: { $reason }
idea-staff-department =
    🏛 <b>Proposal idea_{ $number }</b> reached { $supports } supports — { $department }, please answer by { $due }.
    <b>{ $title }</b> · { $district }
    { $description }
    { $status }
idea-staff-status-threshold = Answer with a button: accepted, planned (with a date) or rejected (with reasons).
idea-staff-status-answered = Answered: <b>{ $decision }</b> — { $note }
idea-staff-overdue = ⏰ <b>Overdue:</b> the city has not answered proposal idea_{ $number } in time.
idea-button-approve = ✅ Approve
idea-button-reject = ✖️ Reject
idea-button-accepted = ✅ Accepted
idea-button-planned = 🗓 Planned
idea-button-rejected = ✖️ Rejected
idea-staff-ask-reason = Reply to this message with the reason for rejecting idea_{ $number } (the resident reads it). /cancel stops.
idea-staff-ask-answer = Reply to this message with the answer to idea_{ $number } ({ $decision }); the author and every supporter read it. /cancel stops.
idea-staff-ask-planned = Reply to this message with the date and the answer to idea_{ $number }, e.g. "2027-05-01 Benches go in with the spring works". /cancel stops.
idea-staff-done = Done: idea_{ $number } — { $status }.
idea-staff-cancelled = Nothing was changed.
idea-already-decided = This proposal was already decided.
idea-reason-length = Please write a reason of up to { $max } characters.
idea-answer-needs-date = A planned answer starts with its date, e.g. 2027-05-01.

## city polls
summary-poll = 🗳 <b>City poll #{ $number }</b> is sent.
poll-results =
    🗳 <b>Poll #{ $number } is closed.</b> { $question }
    { $voters } answered (of { $recipients } asked):
poll-tally =
    🗳 <b>Poll #{ $number }</b>, so far: { $question }
    { $voters } answered (of { $recipients } asked):
poll-results-line = { $index }. { $option } — { $count } ({ $share }%)
poll-closed-answer = Thank you, but this poll is closed: your answer was not counted.
poll-invalid-answer = That answer cannot be counted in this poll.
poll-usage =
    Write the poll after /poll, in the poll file's format:
    <code>/poll
    { $example }</code>
    /poll N shows the answers so far.
poll-wrong = The poll is not right:
    { $problems }
poll-preview =
    🗳 <b>Preview of poll #{ $number }</b>
    🇬🇧 { $question_en }
    { $options_en }
    🇷🇺 { $question_ru }
    { $options_ru }
    Audience: { $audience } — { $count } residents. Closes { $closes }.
poll-audience-everyone = everyone subscribed to announcements
poll-button-send = 📤 Send to { $count }
poll-button-cancel = ✖️ Cancel
poll-sending = 📤 Poll #{ $number } is being sent to { $count } residents by { $name }.
poll-cancelled = The poll was not sent.
poll-nobody = Nobody is in this audience yet.
poll-not-draft = This poll was already sent or cancelled.
poll-not-found = There is no poll #{ $number }.
polls-topic-name = City polls

## proposals in the residents' digests (the "proposals" topic)
sub-topic-proposals = 💡 Residents' proposals
digest-proposals-title = 💡 <b>Residents' proposals: { $count }</b>
digest-proposal-published = 💡 idea_{ $number } { $title } — 👍 { $supports }
digest-proposal-answered = 🏛 idea_{ $number } { $title } — the city's answer: { $decision }
