## The public site: map, report pages, statistics, exports (citybot/web/public.py)
site-title = { $city }: what residents reported and what the city did
site-nav-map = Map
site-nav-stats = Statistics
site-nav-exports = Open data
site-language = Language
site-privacy = Descriptions and photos are public; residents' names never are. Phone numbers, e-mail addresses and long numbers are hidden automatically.
site-not-found = There is no public report #{ $number }.
site-not-found-title = Not found
site-back-to-map = Back to the map
filter-category = Category
filter-status = Status
filter-district = District
filter-period = Period
filter-any = any
filter-open = open (any)
filter-apply = Show
period-week = last 7 days
period-month = last 31 days
period-year = last 12 months
map-no-script = The map needs JavaScript; the list below works without it.
map-count = Reports on the map:
list-title = Latest reports
list-empty = No reports match these filters.
report-title = Report #{ $number }
report-category = Category
report-status = Status
report-filed = Filed
report-address = Address
report-district = District
report-department = Department
report-deadline = Response due by
report-photos = Photos
report-history = What happened
site-report-no-address = no address given
report-open-telegram = Follow in Telegram
history-created = Received by the city
site-history-moved = Handed to { $department }
site-stats-title = Statistics
stats-city = The whole city
stats-by-department = By department
stats-by-category = By category
stats-col-name = Name
stats-col-in = Reports
stats-col-resolved = Resolved
stats-col-median = Median time to resolve
stats-col-p90 = 90% resolved within
stats-col-sla = Resolved on time
stats-col-open = Open now
stats-col-overdue = Overdue now
stats-chart-weekly = Reports filed and resolved, by week
stats-chart-resolution = Time to resolve
stats-legend-in = filed
stats-legend-resolved = resolved
stats-none = —
stats-hours = { $hours } h
stats-days = { $days } d
exports-title = Open data
exports-text = Every public report, with the filters of the map: category, status, district, period (add them to the address, e.g. ?category=roads&since=2026-01-01).
exports-geojson = GeoJSON (for maps)
exports-csv = CSV (for spreadsheets)
## the bot's answer to t.me/<bot>?start=report_<n>
public-link-report =
    { $emoji } <b>#{ $number }</b> · { $category }
    { $description }
    📍 { $address }
    { $status }
public-link-follow = 🔔 Follow
public-link-unknown = There is no public report #{ $number }.
public-link-followed = 🔔 You follow #{ $number } now: I will tell you when it changes.
public-link-already = You already follow #{ $number }.
## staff: /hide N, /publish N [new public text]
public-hide-usage = Use: /hide N — takes report #N off the public map, exports and digests.
public-publish-usage = Use: /publish N — shows report #N to the public again; /publish N text — also replaces its public text.
public-hidden = 🙈 #{ $number } is hidden from the public now ({ $name }).
public-published = 👁 #{ $number } is public again ({ $name }).
public-published-text = 👁 #{ $number } is public with the new text ({ $name }): { $text }
public-refused-hidden = #{ $number } is hidden already.
public-refused-public = #{ $number } is public already. To replace its public text: /publish { $number } text
stats-bucket-day = < 1 day
stats-bucket-3days = 1–3 days
stats-bucket-week = 3–7 days
stats-bucket-2weeks = 1–2 weeks
stats-bucket-month = 2–4 weeks
stats-bucket-longer = > 4 weeks
stats-chart-alt = Chart: { $title }
stats-digest-caption = 📊 { $department }: reports filed and resolved by week, and time to resolve
## the staff card's button and line
button-hide = 🙈 Hide from the public
button-publish = 👁 Make public
card-hidden = 🙈 Hidden from the public site
## /report N: the public site's events in a report's history
site-history-hidden = hidden from the public
site-history-published = public again
## residents' proposals on the public site (citybot/web/ideas.py)
site-nav-ideas = Ideas
site-ideas-title = Residents' ideas
site-ideas-intro = Residents propose ideas for the city and support them in Telegram. An idea that { $threshold ->
    [one] { $threshold } resident supports
   *[other] { $threshold } residents support
} within { $days ->
    [one] { $days } day
   *[other] { $days } days
} goes to the city, which must answer.
site-ideas-sort = Order
site-ideas-show = Show
site-ideas-show-active = published and answered
site-ideas-show-open = open for support
site-ideas-show-threshold = awaiting the city's answer
site-ideas-show-answered = answered by the city
site-ideas-show-closed = closed without enough supports
site-ideas-count = { $count ->
    [one] { $count } idea
   *[other] { $count } ideas
}
site-ideas-empty = No ideas match these filters.
site-ideas-pages = Pages
site-ideas-page = Page { $page } of { $pages }
site-ideas-prev = Previous
site-ideas-next = Next
site-idea-supports = { $supports } of { $threshold } supports
site-idea-open = Open for support until { $until }.
site-idea-threshold = Reached the threshold: the city answers by { $due }.
site-idea-planned = The city plans it for { $date }.
site-idea-answered-accepted = The city accepted it.
site-idea-answered-planned = The city plans it.
site-idea-answered-rejected = The city rejected it.
site-idea-expired = Closed: it did not reach the threshold in time.
site-idea-reference = Reference
site-idea-published = Published
site-idea-supports-label = Supports
site-idea-deadline = Open for support until
site-idea-reached = Reached the threshold
site-idea-answer-due = The city answers by
site-idea-closed = Closed
site-idea-answered-on = answered on { $date }
site-idea-answer-title = The city's answer
site-idea-support = 👍 Support in Telegram
site-idea-open-telegram = Open in Telegram
site-idea-photo = This idea has a photo: it is kept in Telegram, not on this site; open the idea in Telegram to see it.
site-idea-not-found = There is no published idea idea_{ $number }.
site-back-to-ideas = All ideas
