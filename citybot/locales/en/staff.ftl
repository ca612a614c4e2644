## The staff group: queue cards and notices

card-text =
    { $status_icon } <b>#{ $number }</b> · { $emoji } { $category }
    { $description }

    📍 { $address }{ $map }
    🏘 { $district }
    🕒 Filed: { $created }
    ⏰ Due: { $due }{ $overdue }
    📷 Photos: { $photos }
    Status: <b>{ $status }</b>{ $assignee }
card-map = {" "}(<a href="{ $url }">map</a>)
card-no-district = district unknown
card-no-address = no address given
card-overdue = {" "}⚠️ <b>OVERDUE</b>
card-assignee = {" "}· { $name }
card-hashtag = #{ $tag }
card-photos-caption = #{ $number } · photos
