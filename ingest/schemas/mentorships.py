"""mentorships: one row per mentoring pair or group (a mentor and one mentee for a period)."""

import pandas as pd

from ingest.errors import WARNING
from ingest.schemas.base import (
    BOOL,
    DATE,
    ENUM,
    INT,
    TEXT,
    WITH_STAFF,
    Context,
    Dataset,
    Field,
    Reference,
    Rule,
    url_field,
)
from warehouse.thresholds import MENTOR_LOAD_MAX  # a load above it is a warning, here and in the figures

MENTEE_TYPES = ("педагог", "обучающийся")
MENTEE_CATEGORIES = (
    "молодой специалист",
    "педагог с профессиональными затруднениями",
    "новый сотрудник или после перерыва",
    "без педагогического образования",
    "осваивает новые технологии",
    "обучающийся",
)
FORMS = (
    "ученик – ученик",
    "учитель – учитель",
    "студент – ученик",
    "работодатель – ученик",
    "руководитель ОО – учитель",
    "традиционная",
    "групповая",
    "виртуальная",
    "краткосрочная",
    "реверсивная",
    "ситуационная",
    "скоростная",
)
# The federal methodology's names of the forms and categories (DOMAIN.md); stored as the values above.
FORM_SPELLINGS = {
    "учитель – учитель": ("педагог – педагог",),
    "руководитель ОО – учитель": ("руководитель образовательной организации – учитель",),
    "традиционная": ("традиционная (один на один)",),
    "виртуальная": ("виртуальная (дистанционная)",),
    "краткосрочная": ("краткосрочная (целеполагающая)",),
}
CATEGORY_SPELLINGS = {
    "молодой специалист": ("молодой педагог",),
    "педагог с профессиональными затруднениями": ("педагог с затруднениями",),
    "новый сотрудник или после перерыва": ("после перерыва",),
}
PAIR_STATUSES = ("планируется", "в работе", "завершена", "прервана")

MAX_PROGRAMME_MONTHS = 12   # a personalized programme usually lasts 3 to 12 months


def _active_load_ok(d: pd.DataFrame) -> pd.Series:
    active = d["status"] == "в работе"
    load = active.astype(int).groupby(d["mentor_id"]).transform("sum")
    return ~active | (load <= MENTOR_LOAD_MAX)


def _rules(ctx: Context) -> list[Rule]:
    teacher = lambda d: d["mentee_type"] == "педагог"  # noqa: E731
    rules = [
        Rule("mentee_id", "Не указан ID наставляемого педагога",
             "ID педагога из файла «Педагоги», если тип наставляемого «педагог»",
             lambda d: ~teacher(d) | d["mentee_id"].notna(), uses=("mentee_type", "mentee_id")),
        Rule("end_date", "Дата окончания раньше даты начала", "дата окончания не раньше даты начала",
             lambda d: d["end_date"].isna() | d["start_date"].isna() | (d["end_date"] >= d["start_date"]),
             uses=("start_date", "end_date")),
        Rule("end_date", "Программа длиннее 12 месяцев",
             "персонализированная программа обычно длится от 3 до 12 месяцев",
             lambda d: d["end_date"].isna() | d["start_date"].isna()
             | (d["end_date"] <= d["start_date"] + pd.DateOffset(months=MAX_PROGRAMME_MONTHS)),
             uses=("start_date", "end_date"), severity=WARNING),
        Rule("mentor_id", f"У наставника больше {MENTOR_LOAD_MAX} наставляемых в работе",
             f"не больше {MENTOR_LOAD_MAX} пар со статусом «в работе» на одного наставника",
             _active_load_ok, uses=("mentor_id", "status"), severity=WARNING),
        Rule("end_date", "Статус «завершена» без даты окончания", "дата окончания завершённой пары",
             lambda d: (d["status"] != "завершена") | d["end_date"].notna(),
             uses=("status", "end_date"), severity=WARNING),
    ]
    if ctx.year is not None:
        y = ctx.year
        rules.append(Rule("start_date", "Пара начинается после отчётного года", f"дата начала не позже 31.12.{y}",
                          lambda d: d["start_date"].isna() | (d["start_date"].dt.year <= y), uses=("start_date",)))
    return rules


MENTORSHIPS = Dataset(
    name="mentorships",
    title="Наставнические пары",
    grain="одна строка — одна наставническая пара или группа",
    order=4,
    owed_by=WITH_STAFF,
    allow_empty=True,
    key=("pair_id",),
    # A pair's mentor is in the mentors file; a teacher mentee is a teacher of the staff file.
    references=(Reference("mentor_id", "mentors", "mentor_id"),
                Reference("mentee_id", "staff", "teacher_id", when=("mentee_type", "педагог"))),
    objects="пары",
    fields=(
        Field("pair_id", "ID пары", TEXT, required=True, aliases=("id", "код пары"), example="ПАРА-01"),
        Field("mentor_id", "ID наставника", TEXT, required=True, aliases=("код наставника",), example="Н-01"),
        Field("mentee_type", "Тип наставляемого", ENUM, required=True, choices=MENTEE_TYPES, example="педагог"),
        Field("mentee_id", "ID наставляемого", TEXT, aliases=("id педагога", "код наставляемого"), example="П-002",
              note="ID педагога из файла «Педагоги»; для обучающихся не заполняется"),
        Field("mentee_category", "Категория наставляемого", ENUM, required=True, choices=MENTEE_CATEGORIES,
              spellings=CATEGORY_SPELLINGS, aliases=("категория",), example="молодой специалист"),
        Field("form", "Форма наставничества", ENUM, required=True, choices=FORMS, spellings=FORM_SPELLINGS,
              aliases=("форма",), example="учитель – учитель"),
        Field("has_program", "ППН", BOOL, aliases=("персонализированная программа",), example="да"),
        url_field("program_url", "Ссылка на программу", aliases=("ссылка на ппн",),
                  example="https://school1.example.ru/ppn/01"),
        Field("start_date", "Дата начала", DATE, required=True, example="01.09.2025"),
        Field("end_date", "Дата окончания", DATE, example="31.05.2026"),
        Field("status", "Статус", ENUM, required=True, choices=PAIR_STATUSES, example="в работе"),
        Field("satisfaction", "Удовлетворённость", INT, min=1, max=5, aliases=("удовлетворенность (1-5)",),
              example="5"),
    ),
    rules=_rules,
)
