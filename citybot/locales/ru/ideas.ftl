## Предложения жителей (/propose, /ideas) и городские опросы (/poll)

menu-ideas = 💡 Идеи для города
command-propose = предложить идею для города
command-ideas = идеи жителей: смотреть и поддержать
command-staff-poll = городской опрос: /poll (новый) или /poll N (итоги)

idea-ask-title =
    💡 <b>Предложение для города</b>
    Какая у вас идея? Дайте ей короткое название ({ $min }–{ $max } символов).
    /cancel — прервать.
idea-ask-description = Опишите её: что изменить, где и чем это поможет ({ $min }–{ $max } символов).
idea-ask-district = Для какого района? Выберите или отправьте геопозицию.
idea-ask-photo = Добавьте фото, если есть, или пропустите.
idea-button-skip-photo = Пропустить
idea-summary =
    <b>Ваше предложение</b>
    <b>{ $title }</b>
    { $description }
    📍 { $district }{ $photo ->
        [yes] {" "}· 📷 фото
       *[no] {""}
    }
    Отправить в город? Модераторы проверят его перед публикацией.
idea-button-send = ✅ Отправить
idea-button-cancel = ✖️ Отмена
idea-sent = Спасибо! Ваше предложение idea_{ $number } у модераторов. Я сообщу, когда его опубликуют.
idea-cancelled = Предложение не отправлено.
idea-title-length = В названии { $min }–{ $max } символов, а в вашем { $length }. Напишите, пожалуйста, ещё раз.
idea-description-length = В описании { $min }–{ $max } символов, а в вашем { $length }. Напишите, пожалуйста, ещё раз.
idea-text-expected = Напишите, пожалуйста, текстом.
idea-photo-expected = Пришлите фото или нажмите «Пропустить».
idea-district-outside = Это место не в городе. Выберите район ниже.
idea-flow-gone = Это предложение больше не составляется. Начните заново: /propose.

idea-published =
    🎉 Ваше предложение idea_{ $number } «{ $title }» опубликовано!
    Если за { $days } дн. его поддержат { $threshold } жителей, город обязан ответить.
    Поделитесь: { $link }
idea-rejected =
    Ваше предложение idea_{ $number } «{ $title }» не опубликовано.
    Причина: { $reason }
idea-reached = 🏛 У предложения idea_{ $number } «{ $title }» { $count } голосов поддержки: оно передано городу, который обязан ответить. Я сообщу ответ.
idea-answered =
    🏛 Город ответил на предложение idea_{ $number } «{ $title }»: <b>{ $decision }</b>
    { $note }
idea-expired = Предложение idea_{ $number } «{ $title }» закрыто: { $count } из { $threshold } голосов поддержки. Спасибо, что предложили.
idea-decision-accepted = принято
idea-decision-planned = запланировано
idea-decision-rejected = отклонено

ideas-title = 💡 <b>Идеи жителей</b> ({ $count }) · { $sort } · { $district }
ideas-empty = Здесь пока нет опубликованных идей. Предложите первым: /propose
ideas-sort-new = новые
ideas-sort-top = самые поддержанные
ideas-all-districts = весь город
ideas-button-propose = ➕ Предложить идею
ideas-button-more = Ещё ▶
ideas-line = { $supports } 👍 · { $title }
idea-card =
    💡 <b>idea_{ $number }: { $title }</b>
    📍 { $district }
    { $description }

    👍 { $supports } из { $threshold } голосов поддержки
    { $status }
    { $link }
idea-status-published = Поддержать можно до { $until }.
idea-status-threshold = Порог пройден: город готовит ответ.
idea-status-answered = Ответ города: <b>{ $decision }</b> — { $note }
idea-status-expired = Закрыто: порог не набран вовремя.
idea-button-support = 👍 Поддержать
idea-button-withdraw = ↩️ Отозвать поддержку
idea-supported = Спасибо за поддержку!
idea-withdrawn = Ваша поддержка отозвана.
idea-already-supported = Вы уже поддержали эту идею.
idea-not-supported = Вы не поддерживали эту идею.
idea-not-found = Опубликованной идеи с таким номером нет.
idea-closed = Эта идея закрыта: поддержка больше не принимается.

## сторона сотрудников
proposals-topic-name = Предложения
idea-staff-card =
    💡 <b>Предложение idea_{ $number }</b> · { $district }
    <b>{ $title }</b>
    { $description }
    { $status }
idea-staff-status-pending = Ждёт модерации: одобрите для публикации или отклоните с причиной.
idea-staff-status-published = ✅ Опубликовал(а) { $name }.
idea-staff-status-rejected = ✖️ Отклонил(а) { $name }: { $reason }
idea-staff-department =
    🏛 <b>Предложение idea_{ $number }</b> набрало { $supports } голосов — { $department }, ответьте до { $due }.
    <b>{ $title }</b> · { $district }
    { $description }
    { $status }
idea-staff-status-threshold = Ответьте кнопкой: принято, запланировано (с датой) или отклонено (с причинами).
idea-staff-status-answered = Ответ: <b>{ $decision }</b> — { $note }
idea-staff-overdue = ⏰ <b>Просрочено:</b> город не ответил на предложение idea_{ $number } вовремя.
idea-button-approve = ✅ Одобрить
idea-button-reject = ✖️ Отклонить
idea-button-accepted = ✅ Принято
idea-button-planned = 🗓 Запланировано
idea-button-rejected = ✖️ Отклонено
idea-staff-ask-reason = Ответьте на это сообщение причиной отклонения idea_{ $number } (её прочтёт житель). /cancel — прервать.
idea-staff-ask-answer = Ответьте на это сообщение ответом на idea_{ $number } ({ $decision }); его прочтут автор и все поддержавшие. /cancel — прервать.
idea-staff-ask-planned = Ответьте на это сообщение датой и ответом на idea_{ $number }, например: «2027-05-01 Скамейки поставят весной». /cancel — прервать.
idea-staff-done = Готово: idea_{ $number } — { $status }.
idea-staff-cancelled = Ничего не изменено.
idea-already-decided = По этому предложению уже принято решение.
idea-reason-length = Напишите причину длиной до { $max } символов.
idea-answer-needs-date = Ответ «запланировано» начинается с даты, например 2027-05-01.

## городские опросы
summary-poll = 🗳 <b>Городской опрос #{ $number }</b> отправлен.
poll-results =
    🗳 <b>Опрос #{ $number } завершён.</b> { $question }
    Ответили { $voters } (из { $recipients } опрошенных):
poll-tally =
    🗳 <b>Опрос #{ $number }</b>, пока: { $question }
    Ответили { $voters } (из { $recipients } опрошенных):
poll-results-line = { $index }. { $option } — { $count } ({ $share }%)
poll-closed-answer = Спасибо, но этот опрос завершён: ваш ответ не засчитан.
poll-invalid-answer = Такой ответ в этом опросе не засчитывается.
poll-usage =
    Напишите опрос после /poll в формате файла опроса:
    <code>/poll
    { $example }</code>
    /poll N — ответы на сейчас.
poll-wrong = В опросе ошибка:
    { $problems }
poll-preview =
    🗳 <b>Предпросмотр опроса #{ $number }</b>
    🇬🇧 { $question_en }
    { $options_en }
    🇷🇺 { $question_ru }
    { $options_ru }
    Кому: { $audience } — { $count } жителей. Завершится { $closes }.
poll-audience-everyone = все подписчики объявлений
poll-button-send = 📤 Отправить { $count }
poll-button-cancel = ✖️ Отмена
poll-sending = 📤 Опрос #{ $number } отправляется { $count } жителям, отправил(а) { $name }.
poll-cancelled = Опрос не отправлен.
poll-nobody = В этой аудитории пока никого нет.
poll-not-draft = Этот опрос уже отправлен или отменён.
poll-not-found = Опроса #{ $number } нет.
polls-topic-name = Городские опросы

## предложения в дайджестах жителей (тема «предложения»)
sub-topic-proposals = 💡 Предложения жителей
digest-proposals-title = 💡 <b>Предложения жителей: { $count }</b>
digest-proposal-published = 💡 idea_{ $number } { $title } — 👍 { $supports }
digest-proposal-answered = 🏛 idea_{ $number } { $title } — ответ города: { $decision }
