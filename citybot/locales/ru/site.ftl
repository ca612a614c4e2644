## The public site: map, report pages, statistics, exports (citybot/web/public.py)
site-title = { $city }: о чём сообщили жители и что сделал город
site-nav-map = Карта
site-nav-stats = Статистика
site-nav-exports = Открытые данные
site-language = Язык
site-privacy = Описания и фотографии публичны, имена жителей — никогда. Телефоны, адреса почты и длинные номера скрываются автоматически.
site-not-found = Публичного обращения #{ $number } нет.
site-not-found-title = Не найдено
site-back-to-map = Назад к карте
filter-category = Категория
filter-status = Статус
filter-district = Район
filter-period = Период
filter-any = все
filter-open = открытые (все)
filter-apply = Показать
period-week = последние 7 дней
period-month = последние 31 день
period-year = последние 12 месяцев
map-no-script = Для карты нужен JavaScript; список ниже работает и без него.
map-count = Обращений на карте:
list-title = Последние обращения
list-empty = Под эти условия обращений нет.
report-title = Обращение #{ $number }
report-category = Категория
report-status = Статус
report-filed = Подано
report-address = Адрес
report-district = Район
report-department = Ведомство
report-deadline = Ответ до
report-photos = Фотографии
report-history = Что происходило
site-report-no-address = адрес не указан
report-open-telegram = Следить за обращением в Telegram
history-created = Получено городом
site-history-moved = Передано: { $department }
site-stats-title = Статистика
stats-city = Весь город
stats-by-department = По ведомствам
stats-by-category = По категориям
stats-col-name = Название
stats-col-in = Обращений
stats-col-resolved = Решено
stats-col-median = Медиана срока решения
stats-col-p90 = 90% решены за
stats-col-sla = Решено в срок
stats-col-open = Открыто сейчас
stats-col-overdue = Просрочено сейчас
stats-chart-weekly = Поданные и решённые обращения по неделям
stats-chart-resolution = Срок решения
stats-legend-in = подано
stats-legend-resolved = решено
stats-none = —
stats-hours = { $hours } ч
stats-days = { $days } дн.
exports-title = Открытые данные
exports-text = Все публичные обращения, с фильтрами карты: категория, статус, район, период (добавьте их к адресу, например ?category=roads&since=2026-01-01).
exports-geojson = Файл для картографических программ (GeoJSON)
exports-csv = Для электронных таблиц (CSV)
## the bot's answer to t.me/<bot>?start=report_<n>
public-link-report =
    { $emoji } <b>#{ $number }</b> · { $category }
    { $description }
    📍 { $address }
    { $status }
public-link-follow = 🔔 Следить
public-link-unknown = Публичного обращения #{ $number } нет.
public-link-followed = 🔔 Теперь вы следите за #{ $number }: я сообщу, когда что-то изменится.
public-link-already = Вы уже следите за #{ $number }.
## staff: /hide N, /publish N [new public text]
public-hide-usage = Так: /hide N — убирает обращение #N с публичной карты, из выгрузок и дайджестов.
public-publish-usage = Так: /publish N — снова показывает обращение #N публично; /publish N текст — ещё и заменяет его публичный текст.
public-hidden = 🙈 #{ $number } теперь скрыто от публики ({ $name }).
public-published = 👁 #{ $number } снова публично ({ $name }).
public-published-text = 👁 #{ $number } публично с новым текстом ({ $name }): { $text }
public-refused-hidden = #{ $number } уже скрыто.
public-refused-public = #{ $number } уже публично. Чтобы заменить публичный текст: /publish { $number } текст
stats-bucket-day = < 1 дня
stats-bucket-3days = 1–3 дня
stats-bucket-week = 3–7 дней
stats-bucket-2weeks = 1–2 недели
stats-bucket-month = 2–4 недели
stats-bucket-longer = > 4 недель
stats-chart-alt = График: { $title }
stats-digest-caption = 📊 { $department }: поданные и решённые обращения по неделям и срок решения
## the staff card's button and line
button-hide = 🙈 Скрыть с сайта
button-publish = 👁 Показать на сайте
card-hidden = 🙈 Скрыто с публичного сайта
## /report N: the public site's events in a report's history
site-history-hidden = скрыто от публики
site-history-published = снова публично
## residents' proposals on the public site (citybot/web/ideas.py)
site-nav-ideas = Идеи
site-ideas-title = Идеи жителей
site-ideas-intro = Жители предлагают идеи для города и поддерживают их в Telegram. Идея, которую за { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[many] { $days } дней
} поддержат { $threshold ->
    [one] { $threshold } житель
   *[other] { $threshold } жителей
}, уходит в город, и город обязан ответить.
site-ideas-sort = Порядок
site-ideas-show = Показать
site-ideas-show-active = опубликованные и с ответом
site-ideas-show-open = открытые для поддержки
site-ideas-show-threshold = ждут ответа города
site-ideas-show-answered = с ответом города
site-ideas-show-closed = закрытые без нужной поддержки
site-ideas-count = { $count ->
    [one] { $count } идея
    [few] { $count } идеи
   *[many] { $count } идей
}
site-ideas-empty = Под эти условия идей нет.
site-ideas-pages = Страницы
site-ideas-page = Страница { $page } из { $pages }
site-ideas-prev = Назад
site-ideas-next = Дальше
site-idea-supports = { $supports } из { $threshold } голосов поддержки
site-idea-open = Поддержать можно до { $until }.
site-idea-threshold = Порог пройден: город ответит до { $due }.
site-idea-planned = Город запланировал это на { $date }.
site-idea-answered-accepted = Город принял идею.
site-idea-answered-planned = Город запланировал это.
site-idea-answered-rejected = Город отклонил идею.
site-idea-expired = Закрыто: порог не набран вовремя.
site-idea-reference = Номер
site-idea-published = Опубликовано
site-idea-supports-label = Поддержка
site-idea-deadline = Поддержать можно до
site-idea-reached = Порог пройден
site-idea-answer-due = Город ответит до
site-idea-closed = Закрыто
site-idea-answered-on = ответ дан { $date }
site-idea-answer-title = Ответ города
site-idea-support = 👍 Поддержать в Telegram
site-idea-open-telegram = Открыть идею в Telegram
site-idea-photo = У этой идеи есть фотография: она хранится в Telegram, а не на этом сайте; откройте идею в Telegram, чтобы её увидеть.
site-idea-not-found = Опубликованной идеи idea_{ $number } нет.
site-back-to-ideas = Все идеи
