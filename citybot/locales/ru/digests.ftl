## Подписки, сводки и объявления

command-subscribe = Сводки и объявления города
command-staff-announce = /announce ТЕКСТ — объявление подписчикам
settings-subscriptions = 🔔 Сводки и объявления

sub-title = 🔔 <b>Сводки и объявления</b>
sub-on = Вы подписаны.
sub-off = Вы не подписаны: вам приходят только новости ваших обращений. Подпишитесь, чтобы получать сводку о том, что сообщают и исправляют в ваших районах, и объявления города.
sub-done = ✅ Готово: вы подписаны на еженедельную сводку по всему городу. Уточните подписку кнопками ниже.
sub-frequency-line = 🗓 Сводка: { $frequency }
sub-districts-line = 📍 Районы: { $districts }
sub-topics-line = 🏷 Темы: { $topics }
sub-whole-city = весь город
sub-whole-city-button = Весь город
sub-no-topics = нет
sub-frequency-daily = каждый день
sub-frequency-weekly = каждую неделю
sub-frequency-never = никогда (только объявления)
sub-topic-new_reports = 🆕 Новые обращения рядом
sub-topic-resolved_reports = ✅ Решённые обращения
sub-topic-announcements = 📣 Объявления города
sub-button-subscribe = 🔔 Подписаться
sub-button-districts = 📍 Районы
sub-button-frequency = 🗓 Как часто
sub-button-topics = 🏷 Темы
sub-button-unsubscribe = 🔕 Отписаться
sub-button-done = ✔️ Готово
sub-choose-districts = Выберите районы, о которых хотите знать (ничего не выбрано — весь город).
sub-choose-topics = Выберите, о чём рассказывать в сводке.
sub-choose-frequency = Как часто присылать сводку?
sub-stopped = 🔕 Вы отписались: сводок и объявлений больше не будет. Новости ваших обращений по-прежнему придут сюда. Чтобы вернуться: /subscribe
sub-not-subscribed = Вы не подписаны на сводки и объявления. Чтобы подписаться: /subscribe

digest-title = 📰 <b>{ $city }: { $frequency ->
    [daily] ваша ежедневная сводка
   *[weekly] ваша еженедельная сводка
  }</b>
digest-period = { $period } · 📍 { $districts }
digest-whole-city = весь город
digest-resolved-title = ✅ <b>Решено: { $count }</b>
digest-new-title = 🆕 <b>Новые обращения: { $count }</b>
digest-mine-title = 📋 <b>Новости ваших обращений: { $count }</b>
digest-more = …и ещё { $count }
digest-footer = <i>/subscribe — изменить подписку · /unsubscribe — отписаться</i>

digest-staff-title = 📊 <b>{ $department }: очередь на сегодня</b>
digest-staff-period = 🕘 За период: { $period }
digest-staff-new = 🆕 Новых: { $count }
digest-staff-open = 📂 Открытых: { $count }
digest-staff-overdue = ⏰ Просроченных: { $count }
digest-staff-oldest-title = <b>Дольше всех просрочены</b>

announce-header = 📣 <b>Объявление города { $city }</b>
announce-footer = <i>/subscribe — изменить подписку · /unsubscribe — отписаться</i>
announce-usage = Напишите объявление после команды, например: /announce В пятницу с 9:00 до 13:00 на проспекте Мира не будет воды. Перед отправкой вы увидите, как оно будет выглядеть.
announce-too-long = В объявлении { $length } символов; пожалуйста, уложитесь в { $limit }.
announce-preview-title = 📣 <b>Предпросмотр</b> — жители прочитают:
announce-audience = 👥 Подписчикам тем «{ $topics }» в районах «{ $districts }»: <b>{ $count }</b> жителей. Выберите районы и темы кнопками, затем отправьте.
announce-button-send = 📣 Отправить ({ $count })
announce-button-cancel = ✖️ Отменить
announce-cancelled = ✖️ Объявление отменено: ничего не отправлено.
announce-nobody = Под эти районы и темы не подходит ни один подписчик: выберите другие.
announce-sending = 📣 { $name } отправляет объявление подписчикам, получателей: { $count }. Когда всё будет доставлено, здесь появится итог.
announce-already = Это объявление уже { $state }.
announce-state-draft = в черновике
announce-state-preparing = отправляется
announce-state-sending = отправляется
announce-state-done = отправлено
announce-state-cancelled = отменено

summary-digest = 📬 <b>Сводка «{ $name }»</b> за { $period } отправлена.
summary-announcement = 📬 <b>Объявление</b> от { $author } отправлено.
summary-delivered = Доставлено: { $delivered } из { $recipients }.
summary-took = Заняло { $minutes } мин { $seconds } с.
summary-blocked = Заблокировали бота и отписаны: { $count }.
summary-failed = Не доставлено из-за ошибок Telegram: { $count }.
summary-skipped = Без новостей, сводка не отправлена: { $count }.
