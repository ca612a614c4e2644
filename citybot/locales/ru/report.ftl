## Разговор жителя об обращении

report-choose-category = Что случилось? Выберите ниже.
report-suggested-category = Похоже, это про <b>{ $category }</b>. Верно?
button-yes-right = ✅ Да
button-choose-another = ↩️ Выбрать другое
report-ask-description = Опишите проблему в нескольких словах: что не так и как это найти. Можно отправить фото с подписью.
report-description-too-short = Добавьте, пожалуйста, подробностей — хотя бы { $min } символов, чтобы бригада знала, что искать.
report-description-no-words = Мне нужны слова, а не только эмодзи 🙂 Что именно случилось?
report-description-too-long = Это слишком длинно для обращения ({ $length } символов). Пожалуйста, уложитесь в { $max } символов.
report-ask-location = Где это? Нажмите «📍 Отправить геопозицию» ниже или напишите адрес — улицу и номер дома, например «{ $example }».
button-share-location = 📍 Отправить геопозицию
report-location-zero = Геопозиция пустая (0, 0) — возможно, телефон ещё не поймал GPS. Попробуйте ещё раз или напишите адрес.
report-location-outside = Эта точка за пределами города { $city }, туда наши службы не выезжают. Отправьте точку в городе или напишите адрес.
report-address-found = 📍 Принято: { $address }
report-address-suggest = Я не нашёл «{ $query }» точно. Может быть, вы имели в виду один из этих адресов?
report-address-not-found = Я не нашёл «{ $query }». Напишите улицу и номер дома (например, «{ $example }»), отправьте геопозицию или оставьте свой текст как адрес.
report-address-too-long = Это слишком длинно для адреса. Напишите, пожалуйста, только улицу и номер дома.
button-keep-address = ✍️ Оставить мой текст как адрес
report-ask-photos = Добавьте до { $max } фото — они очень помогают бригаде. Отправьте их сейчас или нажмите «Пропустить».
button-skip = ⏭ Пропустить
button-done = ✅ Готово
report-photo-added = 📷 Фото { $count } из { $max } получено. Отправьте ещё или нажмите «Готово».
report-photos-full = Это уже { $max } фото — больше прикрепить нельзя. Нажмите «Готово», чтобы продолжить.
report-summary =
    <b>Проверьте, пожалуйста, обращение</b>

    { $emoji } <b>{ $category }</b>
    📝 { $description }
    📍 { $address }
    📷 Фото: { $photos }
    🌐 Описание и фото будут видны всем на карте города, ваше имя — никогда.

    Отправить в городские службы?
report-no-address = не указан
button-send = ✅ Отправить
button-edit = ✏️ Изменить
button-cancel = ✖️ Отменить
report-edit-what = Что вы хотите изменить?
button-edit-category = Категорию
button-edit-description = Описание
button-edit-location = Место
button-edit-photos = Фото
button-back = « Назад
report-duplicate-offer = Похоже, об этом уже сообщили: <b>#{ $number }</b> — { $description } ({ $age }, { $status }, в { $distance } м от вашей точки). Это та же проблема?
button-follow = 👍 Да, следить за #{ $number }
button-its-new = Нет, это другое
report-following = 👍 Теперь вы следите за <b>#{ $number }</b>. Я напишу, когда изменится его статус. Спасибо!
report-created =
    ✅ Спасибо! Ваше обращение зарегистрировано под номером <b>#{ $number }</b>.

    Оно передано: { $department }{ $district ->
        [none] {""}
       *[other] {" "}({ $district })
    }.
    Срок ответа — { $hours } ч., до { $due }.
    Я напишу вам здесь, когда изменится его статус. Ваши обращения: /my
report-already-sent = Это обращение уже отправлено под номером <b>#{ $number }</b>.
report-cancelled = Отменено — ничего не отправлено.
report-too-many = За последний час вы отправили { $count } обращений — это максимум. Попробуйте позже или дополните уже отправленное обращение.
report-draft-gone = Этого черновика больше нет (он отправлен, отменён или устарел). Начните новое обращение: /report.
report-resume = У вас есть неотправленное обращение ({ $category }). Продолжить или начать заново?
report-resume-unknown = категория ещё не выбрана
button-continue = ▶️ Продолжить
button-start-over = 🔄 Начать заново
report-draft-reminder = Вы начали обращение, но не отправили его. Я сохраню его ещё { $hours } ч. Продолжим?
report-need-category = Выберите категорию кнопками выше или нажмите /cancel.
report-need-description = Опишите, пожалуйста, проблему словами (или отправьте фото с подписью).
report-need-location = Мне нужно место: нажмите «📍 Отправить геопозицию» или напишите адрес.
report-need-photos = Отправьте фото или нажмите «Пропустить» / «Готово».
report-need-button = Пожалуйста, воспользуйтесь кнопками выше или нажмите /cancel, чтобы прекратить.
report-photo-saved-ask-description = 📷 Фото сохранено. Теперь опишите, пожалуйста, проблему словами.

status-new = новое
status-acknowledged = принято
status-in_progress = в работе
status-resolved = решено
status-rejected = отклонено
status-duplicate = дубликат
status-not_responsible = не в нашей компетенции

age-minutes = { $n ->
    [one] { $n } минуту назад
    [few] { $n } минуты назад
   *[many] { $n } минут назад
}
age-hours = { $n ->
    [one] { $n } час назад
    [few] { $n } часа назад
   *[many] { $n } часов назад
}
age-days = { $n ->
    [one] { $n } день назад
    [few] { $n } дня назад
   *[many] { $n } дней назад
}
