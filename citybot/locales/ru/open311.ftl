## Open311: ответы API (простой текст, на языке запроса), строки карточки о заявке из
## городской системы и уведомления о собственной системе Open311 отдела

open311-service-description = Заявки такого рода: { $name }
open311-notice-created = Спасибо: заявка поставлена в очередь отдела «{ $department }».
open311-notice-duplicate = Открытая заявка такого рода уже подана рядом ({ $metres } м): новая не создана, это её номер.
open311-error-api-key-missing = нужен ключ доступа api_key
open311-error-api-key-wrong = api_key недействителен
open311-error-rate = Слишком много запросов с этим api_key: не больше { $limit } в минуту
open311-error-format = Формат должен быть json или xml
open311-error-not-found = Такого ресурса нет
open311-error-service-code = Неизвестный код услуги (service_code): { $code }
open311-error-service-code-missing = нужен код услуги service_code
open311-error-request-id = Неизвестный номер заявки (service_request_id): { $id }
open311-error-token = Неизвестный токен
open311-error-number = { $field } должно быть числом
open311-error-location = Нужно указать место заявки: координаты lat и long или адрес address_string
open311-error-outside = Это место за границей города
open311-error-address = Адрес не найден в городе: { $address }
open311-error-description = В описании нужны слова, от { $min } до { $max } символов
open311-error-date = { $field } должно быть датой и временем (формат W3C, например 2026-12-01T10:00:00Z)
open311-error-status = Состояние (status) может быть только open или closed
open311-error-too-long = { $field } слишком длинное (не больше { $max } символов)
open311-error-media-url = Ссылка на фото (media_url) должна быть адресом http или https
open311-error-body = Тело запроса слишком большое
open311-error-form = Тело запроса должно быть веб-формой (обычной или составной, с файлами)
open311-error-method = Метод не поддерживается
open311-error-internal = Сервер не смог ответить; повторите попытку позже

open311-card-source = 🔌 Источник: { $source }
open311-card-media = 🖼 <a href="{ $url }">фото</a>
open311-card-external = 🔗 { $system }: { $id }
open311-card-external-waiting = 🔗 { $system }: ещё не отправлена
open311-staff-no-resident = #{ $number } пришла из { $source }: писать некому, жителя у заявки нет.
open311-thread-error = ⚠️ #{ $number } не удалось отправить в { $system }: { $error }
open311-thread-failed = ⛔ #{ $number } не отправлена в { $system }, повторов не будет: { $error }
open311-external-note = { $system }: { $note }
open311-external-closed = Закрыта в системе { $system }
