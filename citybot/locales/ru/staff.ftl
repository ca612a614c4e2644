## Группа сотрудников: карточки очередей, их кнопки, уведомления в ветках, команды

card-map = {" "}(<a href="{ $url }">карта</a>)
card-no-district = район не определён
card-no-address = адрес не указан
card-filed = 🕒 Подано: { $when }
card-due = ⏰ Срок исполнения: { $when }
card-overdue = ⚠️ <b>ПРОСРОЧЕНО</b>
card-photos = 📷 Фотографий: { $count }
card-status = Текущий статус: <b>{ $status }</b>
card-last = 🕘 Последнее действие: { $what } · { $when }
card-last-assigned = перешло к сотруднику { $name }
card-last-reassigned = передано сюда из другого отдела: { $department }
card-last-merged = сюда присоединено обращение #{ $number }
card-last-reopened = заявитель открыл обращение снова
card-hashtag = #{ $tag }
card-photos-caption = #{ $number } · фото
card-moved = ➡️ <b>#{ $number }</b> передано в очередь другого отдела: { $department }.

button-take = 🙋 Взять
button-progress = 🛠 В работе
button-resolve = ✅ Решено
button-reject = ⛔ Отклонить
button-not-ours = ↪️ Не наша зона
button-duplicate = 🔁 Дубликат #…
button-reassign = ➡️ Передать
button-close-conversation = ✖️ Закрыть разговор

## Ответы сотруднику, нажавшему кнопку

staff-use-in-group = Кнопки и команды сотрудников работают только в группе сотрудников.
staff-unknown-report = Обращения #{ $number } нет.
staff-taken = 🙋 Обращение #{ $number } теперь ваше.
staff-done = Готово: обращение #{ $number } теперь в статусе «{ $status }».
staff-ask-resolve = { $name }, как решено обращение #{ $number }? Ответьте на это сообщение короткой запиской для жителя (можно приложить фото результата). /cancel — отменить.
staff-ask-reject = { $name }, почему обращение #{ $number } отклонено? Ответьте на это сообщение, указав причину, — житель её прочитает. /cancel — отменить.
staff-ask-not_responsible = { $name }, кто отвечает за обращение #{ $number }? Ответьте на это сообщение, указав причину и, если можете, кто этим занимается, — житель это прочитает. /cancel — отменить.
staff-ask-duplicate = { $name }, дубликатом какого обращения является #{ $number }? Ответьте на это сообщение его номером, например 12. /cancel — отменить.
staff-note-too-long = Это слишком длинно для записки: уложитесь, пожалуйста, в { $max } символов.
staff-need-number = Ответьте, пожалуйста, номером исходного обращения, например 12.
staff-note-cancelled = Отменено: ничего не изменилось.
staff-pick-department = Какой отдел должен заняться обращением #{ $number }?
staff-moved = ➡️ Обращение #{ $number } передано: { $department }.
staff-reply-unknown = Не могу понять, к какому обращению это относится. Ответьте на карточку обращения или на сообщение жителя под ней.
staff-relay-text-photo-only = Жителям передаются только текст и фотографии.
staff-resident-blocked = ⚠️ Житель по обращению #{ $number } заблокировал бота: он может не получить это сообщение.
staff-report-usage = Укажите номер обращения, например /report 12.

staff-refused-closed = Обращение #{ $number } уже в статусе «{ $status }»: ничего не изменилось.
staff-refused-already-yours = Обращение #{ $number } уже ваше.
staff-refused-already = Обращение #{ $number } уже в статусе «{ $status }».
staff-refused-note-needed = Напишите, пожалуйста, записку для жителя: она не может быть пустой.
staff-refused-no-report = Обращения #{ $number } нет. Ответьте номером существующего обращения.
staff-refused-duplicate-self = Обращение не может быть дубликатом самого себя. Ответьте номером исходного обращения.
staff-refused-no-department = Такого отдела нет.
staff-refused-same-department = Обращение #{ $number } уже в очереди этого отдела.

## Уведомления в ветке карточки

thread-resident-says = 💬 <b>#{ $number }</b> · { $who ->
    [reporter] заявитель
   *[other] подписчик
  }: { $text }
thread-undeliverable = ⚠️ <b>#{ $number }</b>: сообщение { $who ->
    [reporter] заявителю
   *[other] подписчику
  } не доставлено — он заблокировал бота.
thread-sla = ⏰ Обращение <b>#{ $number }</b> просрочено: срок истёк { $due }. Текущий статус: { $status }; { $assignee }.
thread-sla-assignee = исполнитель — { $name }
thread-sla-nobody = никто ещё не взял его в работу
thread-reopened = ↩️ Заявитель снова открыл обращение <b>#{ $number }</b>: { $reason }
thread-confirmed = 👍 Заявитель подтверждает, что проблема по обращению <b>#{ $number }</b> устранена.
thread-merged = 🔁 Обращение <b>#{ $duplicate }</b> присоединено к <b>#{ $number }</b> как дубликат; его подписчиков, перешедших сюда: { $count }.

## Тема обращений: разговоры с сотрудником

helpdesk-topic-name = Вопросы жителей
helpdesk-header = 💬 <b>Разговор с жителем № { $number }</b> (язык: { $language })
helpdesk-opened = Начат: { $when }
helpdesk-first-message = Первое сообщение жителя: { $text }
helpdesk-howto = Чтобы ответить, ответьте на это сообщение или на сообщения жителя; когда закончите, нажмите «Закрыть разговор».
helpdesk-closed-by = ✖️ Разговор закрыл сотрудник: { $name }.
helpdesk-ended-by-resident = ✖️ Житель завершил разговор № { $number }.
helpdesk-resident-says = 💬 Разговор № { $number } · житель: { $text }
helpdesk-undeliverable = ⚠️ Разговор № { $number }: ответ не доставлен — житель заблокировал бота.
helpdesk-closed = Разговор № { $number } закрыт.
helpdesk-closed-already = Разговор № { $number } уже закрыт.

## Команды сотрудников: /queue, /report N, /stats

queue-all = Все отделы
queue-title = 📋 <b>{ $department }</b> — открытых обращений: { $count }, сначала самые старые
queue-empty = ✨ { $department }: открытых обращений нет.
queue-overdue = ⚠️ просрочено на { $hours } ч
queue-due = ⏰ осталось { $hours } ч
queue-more = …и ещё { $count ->
    [one] { $count } обращение
    [few] { $count } обращения
   *[many] { $count } обращений
  }

history-title = История
history-received = обращение получено
history-taken-over = взято в работу
history-moved = передано в другой отдел
history-merged = присоединено обращение
history-to-resident = жителю
history-reporter = заявитель
history-follower = подписчик
history-staff = сотрудник
history-confirmed = заявитель подтвердил, что проблема устранена

stats-title = 📊 Статистика обращений: <b>{ $department }</b>
stats-open = Открыто: { $open }, просрочено: { $overdue }
stats-median = Медианное время решения: { $time } (решено: { $count })
stats-no-median = Медианное время решения: пока ничего не решено
unit-min = мин
unit-h = ч
unit-d = д
