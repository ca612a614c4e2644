## The resident's report conversation

report-choose-category = What kind of problem is it? Choose below.
report-suggested-category = I think this is about <b>{ $category }</b>. Is that right?
button-yes-right = ✅ Yes
button-choose-another = ↩️ Choose another
report-ask-description = Describe the problem in a few words: what is wrong, and anything that helps to find it. You can also send a photo with a caption.
report-description-too-short = Please add a little more detail — at least { $min } characters, so the crew knows what to look for.
report-description-no-words = I need a few words, not only emoji 🙂 What exactly is wrong?
report-description-too-long = That is too long for a report ({ $length } characters). Please keep the description under { $max } characters.
report-ask-location = Where is it? Press «📍 Share location» below, or type the address — street and house number, e.g. «{ $example }».
button-share-location = 📍 Share location
report-location-zero = That location is empty (0, 0) — your phone may not have a GPS fix yet. Please try again, or type the address.
report-location-outside = That point is outside { $city }, so our departments cannot go there. Share a point inside the city, or type the address.
report-address-found = 📍 Got it: { $address }
report-address-suggest = I could not find «{ $query }» exactly. Did you mean one of these?
report-address-not-found = I could not find «{ $query }». Type the street and house number (e.g. «{ $example }»), share your location, or keep your text as the address.
report-address-too-long = That is too long for an address. Please type just the street and house number.
button-keep-address = ✍️ Keep my text as the address
report-ask-photos = Add up to { $max } photos — they help the crew a lot. Send them now, or press «Skip».
button-skip = ⏭ Skip
button-done = ✅ Done
report-photo-added = 📷 Photo { $count } of { $max } received. Send more, or press «Done».
report-photos-full = That is { $max } photos, the most I can attach. Press «Done» to continue.
report-summary =
    <b>Please check your report</b>

    { $emoji } <b>{ $category }</b>
    📝 { $description }
    📍 { $address }
    📷 Photos: { $photos }
    🌐 The description and photos will be public on the city's map; your name never will.

    Send it to the city?
report-no-address = not given
button-send = ✅ Send
button-edit = ✏️ Edit
button-cancel = ✖️ Cancel
report-edit-what = What would you like to change?
button-edit-category = Category
button-edit-description = Description
button-edit-location = Location
button-edit-photos = Photos
button-back = « Back
report-duplicate-offer = Looks like this was already reported: <b>#{ $number }</b> — { $description } ({ $age }, { $status }, { $distance } m from your point). Is it the same problem?
button-follow = 👍 Yes, follow #{ $number }
button-its-new = No, it is a new one
report-following = 👍 You now follow <b>#{ $number }</b>. I will message you when its status changes. Thank you!
report-created =
    ✅ Thank you! Your report is registered as <b>#{ $number }</b>.

    It goes to: { $department }{ $district ->
        [none] {""}
       *[other] {" "}({ $district })
    }.
    They aim to respond within { $hours } hours, by { $due }.
    I will message you here when its status changes. Your reports: /my
report-already-sent = This report was already sent as <b>#{ $number }</b>.
report-cancelled = Cancelled — nothing was sent.
report-too-many = You have sent { $count } reports in the last hour, the most I can take. Please try again later, or tell staff more in an existing report.
report-draft-gone = That unfinished report is no longer here (it was sent, cancelled or expired). Start a new one with /report.
report-resume = You have an unfinished report ({ $category }). Continue it, or start over?
report-resume-unknown = a category is not chosen yet
button-continue = ▶️ Continue
button-start-over = 🔄 Start over
report-draft-reminder = You started a report but did not send it. I will keep it for { $hours } more hours. Continue?
report-need-category = Please choose a category with the buttons above, or press /cancel.
report-need-description = Please describe the problem in words (or send a photo with a caption).
report-need-location = I need the place: press «📍 Share location» or type the address.
report-need-photos = Please send photos, or press «Skip» / «Done».
report-need-button = Please use the buttons above, or press /cancel to stop.
report-photo-saved-ask-description = 📷 Photo saved. Now please describe the problem in words.

status-new = new
status-acknowledged = acknowledged
status-in_progress = in progress
status-resolved = resolved
status-rejected = rejected
status-duplicate = duplicate
status-not_responsible = not our responsibility

age-minutes = { $n ->
    [one] a minute ago
   *[other] { $n } minutes ago
}
age-hours = { $n ->
    [one] an hour ago
   *[other] { $n } hours ago
}
age-days = { $n ->
    [one] a day ago
   *[other] { $n } days ago
}
