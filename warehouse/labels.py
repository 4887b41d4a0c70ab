"""Russian titles of the figures: the one place where people's words for columns live (the datasets' titles are
in their declarations, ``ingest.schemas.DATASET_TITLES``).

Both the command line (``python -m warehouse kpi``) and the app use these, so a figure has the same
name on screen, in an export and in a terminal.
"""

from warehouse import russian
from warehouse.russian import NO_DATA
from warehouse.thresholds import MENTOR_LOAD_MAX  # also imported from here by pages and exports

ORG_TYPE_SHORT = {
    "общеобразовательная": "школа",
    "дошкольная": "детский сад",
    "дополнительного образования": "доп. образование",
    "орган управления образованием": "управление образования",
}

# Columns of mart_org_kpi (and of queries.monitoring) as the department reads them.
KPI = {
    "org_code": "Код ОО",
    "short_name": "Организация",
    "org_type": "Тип ОО",
    "year": "Год",
    "datasets_uploaded": "Загружено наборов",
    "datasets_expected": "Наборов к загрузке",
    "datasets_missing": "Не загружено наборов",
    "staff_expected": "Сдаёт сведения о педагогах",
    "roadmap_reported": "Отчёт по дорожной карте",
    "items_done": "Пунктов выполнено",
    "items_due": "Пунктов к выполнению",
    "done_pct": "Выполнено, %",
    "items_overdue": "Просрочено пунктов",
    "items_unreported": "Пунктов без отчёта",
    "teachers": "Педагогов",
    "young_teachers": "Молодых педагогов",
    "teachers_with_difficulties": "Педагогов с затруднениями",
    "young_covered": "Молодых педагогов с наставником",
    "young_coverage_pct": "Охват молодых педагогов, %",
    "difficulties_covered": "Педагогов с затруднениями с наставником",
    "mentors": "Наставников",
    "mentors_teachers": "Наставников-педагогов",
    "mentors_students": "Наставников-обучающихся",
    "mentors_university_students": "Наставников-студентов",
    "mentors_employers": "Наставников от работодателей",
    "mentors_other": "Других наставников",
    "mentors_of_teachers": "Наставляют педагогов",
    "mentors_of_students": "Наставляют обучающихся",
    "mentors_trained": "Наставников прошли обучение",
    "teachers_who_mentor": "Педагогов-наставников",
    "teachers_mentor_pct": "Педагогов-наставников, %",
    "mentors_overloaded": f"Наставников с нагрузкой > {MENTOR_LOAD_MAX}",
    "pairs": "Пар всего",
    "pairs_active": "Пар в работе",
    "pairs_completed": "Пар завершено",
    "pairs_interrupted": "Пар прервано",
    "pairs_planned": "Пар планируется",
    "pairs_with_programme": "Пар с ППН",
    "pairs_rated": "Пар с оценкой удовлетворённости",
    "satisfaction_sum": "Сумма оценок удовлетворённости",
    "satisfaction_avg": "Удовлетворённость пар (1–5), средняя",
    "mentor_load_avg": "Пар в работе на наставника",
    "students_total": "Обучающихся",
    "students_10_18": "Обучающихся 10–18 лет",
    "mentee_students": "Обучающихся-наставляемых",
    "mentor_students": "Обучающихся-наставников",
    "mentee_students_pct": "Наставляемых среди 10–18 лет, %",
    "mentor_students_pct": "Обучающихся-наставников, %",
    "partners_applicable": "Пункт 10 относится к организации",
    "partners": "Партнёров",
    "partners_with_mentors": "Партнёров, дающих наставников",
    "mentors_from_partners": "Наставников от партнёров",
    "events": "Мероприятий",
    "events_item5": "Мероприятий для наставников (п. 5)",
    "events_item6": "Мероприятий для педагогов с затруднениями (п. 6)",
    "practices": "Представлено практик (п. 9)",
    "practices_regional_federal": "Практик на региональном и федеральном уровне",
    "contest_events": "«Педагог-наставник»: строк в отчёте",
    "contest_organized": "«Педагог-наставник»: проведено (организатор)",
    "contest_participants": "«Педагог-наставник»: участников",
    "contest_prizewinners": "«Педагог-наставник»: призёров",
    "contest_winners": "«Педагог-наставник»: победителей",
    "contest_awards": "«Педагог-наставник»: призёров и победителей",
    "contests_other": "Других конкурсов",
    "mentors_expected": "Сдаёт базу наставников",
    "mentors_first_loaded_at": "База наставников загружена",
    "mentor_base_on_time": "База наставников к 31.10",
    "mentor_base_state": "База наставников (п. 4)",
}

# The per-organization table of the overview, monitoring and `warehouse kpi`: what a meeting reads.
KPI_MAIN = [
    "org_code", "short_name", "done_pct", "items_unreported", "items_overdue", "teachers", "mentors",
    "teachers_mentor_pct", "young_teachers", "young_covered", "young_coverage_pct", "difficulties_covered",
    "pairs", "pairs_active", "pairs_completed", "pairs_interrupted", "pairs_with_programme", "mentors_trained",
    "mentors_from_partners", "satisfaction_avg", "mentee_students_pct", "mentor_students_pct", "partners",
    "events", "contest_participants", "contest_prizewinners", "contest_winners", "mentor_base_state",
]


def humanize(frame):
    """A copy of a figures table for people: да/нет for booleans, decimal comma, «нет данных» for NULL.

    For text outputs (terminal, CSV); the app and XLSX exports keep real types.
    """
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s) or s.dtype == "boolean":
            out[col] = s.map(russian.yes_no)
        elif pd.api.types.is_float_dtype(s):
            out[col] = s.map(russian.short)  # 1234567.5 -> «1234567,5», never «1,23457e+06»
        elif pd.api.types.is_integer_dtype(s):
            out[col] = s.astype(object).where(s.notna(), NO_DATA)
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.map(russian.day)
        else:
            out[col] = s.astype(object).where(s.notna(), "")
    return out

# Columns of the other query results (queries.py), as tables on the pages show them.
COLUMNS = {
    **KPI,
    "item": "Пункт",
    "short_title": "Мероприятие",
    "title": "Мероприятие дорожной карты",
    "due_date": "Срок",
    "status_shown": "Статус",
    "reported_status": "Статус в отчёте",
    "done_date": "Дата выполнения",
    "result_url": "Ссылка на результат",
    "comment": "Комментарий",
    "result_form": "Форма результата",
    "deadline_text": "Срок по приказу",
    "executors": "Исполнители",
    "dataset": "Набор данных",
    "dataset_title": "Набор данных",
    "expected": "Ожидалось",
    "expected_dataset": "Нужен",
    "state": "Состояние",
    "uploaded": "Загружен",
    "current_since": "Текущая версия от",
    "first_loaded_at": "Впервые загружен",
    "version": "Версия",
    "rows": "Строк",
    "file_name": "Файл",
    "uploaded_by": "Кто загрузил",
    "missing": "Не хватает наборов",
    "datasets": "Наборы",
    "teacher_id": "ID педагога",
    "position": "Должность",
    "age": "Возраст",
    "years_in_org": "Стаж в ОО",
    "mentor_id": "ID наставника",
    "full_name": "ФИО",
    "mentor_type": "Тип наставника",
    "workplace": "Должность или место работы",
    "mentors_whom": "Наставляет",
    "trained": "Прошёл обучение",
    "order_date": "Дата приказа",
    "active_mentees": "Наставляемых в работе",
    "overloaded": f"Нагрузка больше {MENTOR_LOAD_MAX}",
    "name": "Наименование",
    "partner_type": "Тип партнёра",
    "inn": "ИНН",
    "agreement": "Соглашение",
    "participation_forms": "Формы участия",
    "mentors_count": "Наставников от партнёра",
    "since_date": "Сотрудничество с",
    "event_date": "Дата",
    "level": "Уровень",
    "kind": "Вид",
    "role": "Роль",
    "participants": "Участников",
    "result": "Результат",
    "url": "Ссылка",
    "covered": "С наставником",
    "organization": "Организация",
    "forms": "Формы наставничества",
    "period_start": "Наставничество с",
    "period_end": "Наставничество по",
    "uploaded_at": "Когда",
    "outcome_title": "Итог",
    "error_count": "Ошибок",
    "warning_count": "Предупреждений",
    "severity": "Вид",
    "row_no": "Строка",
    "column_title": "Столбец",
    "value": "Найдено",
    "message": "Проблема",
    "logged_at": "Когда",
    "login": "Пользователь",
    "action_title": "Действие",
    "page": "Страница",
    "detail": "Подробности",
    "coverage_pct": "Охват, %",
    # queries.monitoring and students_in_mentorship: each figure beside its value of the year before
    **{f"{name}_prev": f"{title} (пред. год)" for name, title in KPI.items()},
    "missing_ids": "ID, которых нет",
    "ids_missing": "Сколько ID",
    "target_title": "Нет в наборе",
    # The registry and the accounts (page «Организации и пользователи»).
    "org_full_name": "Полное наименование",
    "municipality": "Муниципалитет",
    "website": "Сайт",
    "account_login": "Логин",
    "role_title": "Роль",
    "active": "Активна",
    "failed_attempts": "Неудачных попыток входа",
    "locked_until": "Заблокирована до",
    "created_at": "Создана",
    "last_login_at": "Последний вход",
}

SEVERITIES = {"error": "ошибка", "warning": "предупреждение"}

OUTCOMES = {"loaded": "принят", "rejected": "отклонён", "unchanged": "без изменений", "restored": "восстановлена версия",
            "failed": "не записан (ошибка хранилища)"}

AUDIT_ACTIONS = {
    "login": "вход", "login_failed": "неудачный вход", "logout": "выход", "session_expired": "сеанс истёк",
    "upload": "загрузка", "upload_rejected": "загрузка отклонена", "restore": "восстановление версии",
    "export": "выгрузка", "view_personal": "просмотр персональных данных", "user_created": "создан пользователь",
    "password_reset": "смена пароля", "user_enabled": "пользователь включён", "user_disabled": "пользователь отключён",
    "role_changed": "изменена роль",
    "upload_denied": "загрузка запрещена", "restore_denied": "восстановление запрещено",
    "session_resumed": "сеанс продолжен", "session_ended": "сеанс завершён", "download_refused": "выгрузка отклонена",
    "upload_failed": "загрузка не записана (ошибка хранилища)",
    "restore_failed": "восстановление не записано (ошибка хранилища)",
}
