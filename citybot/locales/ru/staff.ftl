## Группа сотрудников: карточки очередей и уведомления

card-text =
    { $status_icon } <b>#{ $number }</b> · { $emoji } { $category }
    { $description }

    📍 { $address }{ $map }
    🏘 { $district }
    🕒 Подано: { $created }
    ⏰ Срок: { $due }{ $overdue }
    📷 Фото: { $photos }
    Статус: <b>{ $status }</b>{ $assignee }
card-map = {" "}(<a href="{ $url }">карта</a>)
card-no-district = район не определён
card-no-address = адрес не указан
card-overdue = {" "}⚠️ <b>ПРОСРОЧЕНО</b>
card-assignee = {" "}· { $name }
card-hashtag = #{ $tag }
card-photos-caption = #{ $number } · фото
