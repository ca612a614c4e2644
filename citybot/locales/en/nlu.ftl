## Teaching the NLU from the staff card (citybot/dialogs/staff/recategorise.py)

button-category = 🏷 Category
button-not-report = 🚫 Not a report
staff-pick-category = Which category is #{ $number }?
staff-category-changed = 🏷 #{ $number } is now { $category } ({ $department }).
staff-not-a-report-note = This message is not a report of a problem, so nothing will be done about it. Write to the bot again if something needs fixing.
staff-refused-no-category = There is no such category.
staff-refused-same-category = #{ $number } is already in that category.
card-last-recategorised = category changed from { $old } ({ $name })
# On the card when the NLU chose the category and was not sure of it: "🤖 roads, 0.62".
card-nlu-unsure = 🤖 { $category }, { $confidence }
