"""staff: one row per pedagogical worker of the organization (no names: the organization's own ID)."""

from ingest.schemas.base import BOOL, ENUM, INT, TEXT, WITH_STAFF, Dataset, Field, Rule

QUALIFICATIONS = ("без категории", "первая", "высшая", "педагог-методист", "педагог-наставник")
QUALIFICATION_SPELLINGS = {
    "без категории": ("нет категории",),
    "первая": ("первая категория", "первая квалификационная категория"),
    "высшая": ("высшая категория", "высшая квалификационная категория"),
}

STAFF = Dataset(
    name="staff",
    title="Педагоги",
    grain="одна строка — один педагогический работник",
    order=2,
    owed_by=WITH_STAFF,
    key=("teacher_id",),
    fields=(
        Field("teacher_id", "ID педагога", TEXT, required=True, aliases=("id", "код педагога", "табельный номер"),
              example="П-001", note="код педагога в вашей организации, не ФИО"),
        Field("position", "Должность", TEXT, required=True, example="учитель"),
        Field("age", "Возраст", INT, required=True, min=18, max=80, aliases=("возраст (лет)", "полных лет"),
              example="27"),
        Field("years_in_org", "Стаж в ОО", INT, required=True, min=0, max=66,
              aliases=("стаж работы в оо", "стаж в организации", "стаж в оо (лет)"), example="2"),
        Field("teaching_years", "Педагогический стаж", INT, min=0, max=66, aliases=("пед. стаж", "педстаж"),
              example="4"),
        Field("qualification", "Квалификационная категория", ENUM, choices=QUALIFICATIONS,
              spellings=QUALIFICATION_SPELLINGS, aliases=("категория",), example="первая"),
        Field("has_difficulties", "Затруднения", BOOL,
              aliases=("профессиональные затруднения", "испытывает затруднения"), example="нет"),
        Field("is_new", "Новый сотрудник", BOOL, aliases=("новый сотрудник или после перерыва",), example="нет"),
    ),
    rules=lambda ctx: [
        Rule("years_in_org", "Стаж в ОО больше возможного для возраста", "не больше «Возраст» − 14",
             lambda d: d["years_in_org"].isna() | d["age"].isna() | (d["years_in_org"] <= d["age"] - 14),
             uses=("years_in_org", "age")),
        Rule("teaching_years", "Педагогический стаж больше возможного для возраста", "не больше «Возраст» − 14",
             lambda d: d["teaching_years"].isna() | d["age"].isna() | (d["teaching_years"] <= d["age"] - 14),
             uses=("teaching_years", "age")),
    ],
)
