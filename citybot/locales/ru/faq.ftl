## Ответы на вопросы: сортировка отходов, общественный транспорт, ничего не найдено.
## Сообщения в HTML (режим разметки Telegram): данные приходят уже экранированными.

faq-nothing-found = По запросу «{ $query }» ничего не нашлось — спросить человека?
faq-fallback =
    Простите, я не уверен, что понял. 🤔
    Выберите нужное ниже или спросите человека — сотрудники ответят вам здесь.
faq-btn-person = 🙋 Спросить человека
faq-btn-report = 📝 Сообщить о проблеме
faq-btn-waste = ♻️ Сортировка отходов
faq-btn-transport = 🚌 Общественный транспорт
faq-btn-status = 📋 Мои заявки

## Сортировка отходов

faq-waste-item = { $icon } <b>{ $item }</b> → <b>{ $bin }</b>
faq-waste-where = 📍 { $where }
faq-waste-how = ✅ { $how }
faq-waste-tip = 💡 { $tip }
faq-waste-special = ⚠️ Не в уличные контейнеры.
faq-waste-guide-title = <b>Сортировка отходов</b>
faq-waste-guide-hint = Напишите, что хотите выбросить: «батарейки», «старый диван», «коробка от пиццы».
faq-waste-stream-examples = Например: { $items }.
faq-btn-waste-stream = { $icon } Что ещё сюда
faq-btn-waste-guide = ♻️ Все контейнеры и пункты сбора

## Общественный транспорт

faq-transport-kind =
    { $kind ->
        [bus] Автобус
        [tram] Трамвай
        [trolleybus] Троллейбус
       *[other] Маршрут
    }
faq-transport-route-title = { $icon } <b>{ $kind } { $number }</b>: { $start } — { $end }
faq-transport-night-route = 🌙 Ночной маршрут
faq-transport-stops = 🚏 { $stops }
faq-transport-interval = ⏱ Интервал: { $peak } мин в час пик, { $offpeak } мин днём, { $weekend } мин в выходные
faq-transport-hours = 🕒 Первый рейс { $first }, последний { $last }
faq-transport-via-title = Через остановку <b>{ $stop }</b> идут:
faq-transport-via-route = { $icon } { $kind } <b>{ $number }</b>: { $start } — { $end }
faq-transport-trip-title = <b>{ $start }</b> → <b>{ $end }</b>
faq-transport-trip-option =
    { $icon } { $kind } <b>{ $number }</b> в сторону «{ $towards }»: { $stops ->
        [one] { $stops } остановка
        [few] { $stops } остановки
       *[many] { $stops } остановок
    }, около { $minutes } мин, интервал { $interval } мин
faq-transport-no-direct = Прямого маршрута между <b>{ $start }</b> и <b>{ $end }</b> нет.
faq-transport-via-line = Через «{ $stop }»: { $routes }
faq-transport-fares-title = 🎫 <b>Стоимость проезда и проездные</b>
faq-transport-fare = { $price } { $currency } — { $name }
faq-transport-lost-title = 🧳 <b>Бюро находок</b>
faq-transport-lost-place = 📍 { $place }
faq-transport-lost-hours = 🕒 { $hours }
faq-transport-lost-phone = ☎️ { $phone }
faq-transport-night-title = 🌙 <b>Ночные автобусы</b>
faq-transport-overview-title = <b>Общественный транспорт</b>
faq-transport-overview-hint = Спросите про маршрут («автобус 7»), остановку или как доехать от одной остановки до другой.
faq-btn-fares = 🎫 Стоимость проезда
faq-btn-night = 🌙 Ночные автобусы
faq-btn-lost = 🧳 Бюро находок
faq-btn-routes = 🗺 Все маршруты
faq-btn-route = { $icon } { $number }
