## Answers to questions: waste sorting, public transport, nothing found, fallback.
## Messages are HTML (Telegram parse mode): data comes in already escaped.

faq-nothing-found = Nothing found for «{ $query }» — ask a person?
faq-fallback =
    Sorry, I am not sure I understood. 🤔
    Choose what you need below, or ask a person — staff will answer you here.
faq-btn-person = 🙋 Ask a person
faq-btn-report = 📝 Report a problem
faq-btn-waste = ♻️ Waste sorting
faq-btn-transport = 🚌 Public transport
faq-btn-status = 📋 My reports

## Waste sorting

faq-waste-item = { $icon } <b>{ $item }</b> → <b>{ $bin }</b>
faq-waste-where = 📍 { $where }
faq-waste-how = ✅ { $how }
faq-waste-tip = 💡 { $tip }
faq-waste-special = ⚠️ Not for street bins.
faq-waste-guide-title = <b>Waste sorting</b>
faq-waste-guide-hint = Write what you want to throw away: “batteries”, “old sofa”, “pizza box”.
faq-waste-stream-examples = For example: { $items }.
faq-btn-waste-stream = { $icon } What else goes there
faq-btn-waste-guide = ♻️ All bins and collections

## Public transport

faq-transport-kind =
    { $kind ->
        [bus] Bus
        [tram] Tram
        [trolleybus] Trolleybus
       *[other] Route
    }
faq-transport-route-title = { $icon } <b>{ $kind } { $number }</b>: { $start } — { $end }
faq-transport-night-route = 🌙 Night route
faq-transport-stops = 🚏 { $stops }
faq-transport-interval = ⏱ Every { $peak } min at rush hour, { $offpeak } min off-peak, { $weekend } min at weekends
faq-transport-hours = 🕒 First { $first }, last { $last }
faq-transport-via-title = Routes via <b>{ $stop }</b>:
faq-transport-via-route = { $icon } { $kind } <b>{ $number }</b>: { $start } — { $end }
faq-transport-trip-title = <b>{ $start }</b> → <b>{ $end }</b>
faq-transport-trip-option =
    { $icon } { $kind } <b>{ $number }</b> towards { $towards }: { $stops ->
        [one] 1 stop
       *[other] { $stops } stops
    }, about { $minutes } min, every { $interval } min
faq-transport-no-direct = No direct route between <b>{ $start }</b> and <b>{ $end }</b>.
faq-transport-via-line = Via { $stop }: { $routes }
faq-transport-fares-title = 🎫 <b>Fares and passes</b>
faq-transport-fare = { $price } { $currency } — { $name }
faq-transport-lost-title = 🧳 <b>Lost property</b>
faq-transport-lost-place = 📍 { $place }
faq-transport-lost-hours = 🕒 { $hours }
faq-transport-lost-phone = ☎️ { $phone }
faq-transport-night-title = 🌙 <b>Night buses</b>
faq-transport-overview-title = <b>Public transport</b>
faq-transport-overview-hint = Ask about a route (“bus 7”), a stop, or how to get from one stop to another.
faq-btn-fares = 🎫 Fares and passes
faq-btn-night = 🌙 Night buses
faq-btn-lost = 🧳 Lost property
faq-btn-routes = 🗺 All routes
faq-btn-route = { $icon } { $number }
