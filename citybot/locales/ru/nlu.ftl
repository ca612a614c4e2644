## Обучение NLU с карточки в группе сотрудников (citybot/dialogs/staff/recategorise.py)

button-category = 🏷 Категория
button-not-report = 🚫 Не обращение
staff-pick-category = Какая категория у #{ $number }?
staff-category-changed = 🏷 У #{ $number } теперь категория { $category } ({ $department }).
staff-not-a-report-note = Это сообщение не о проблеме, поэтому по нему ничего делаться не будет. Напишите боту ещё раз, если что-то нужно исправить.
staff-refused-no-category = Такой категории нет.
staff-refused-same-category = У #{ $number } уже эта категория.
card-last-recategorised = категория изменена с «{ $old }» ({ $name })
# На карточке, когда категорию выбрал NLU и не был уверен: «🤖 roads, 0.62».
card-nlu-unsure = 🤖 { $category }, { $confidence }
