"""partners: one row per partner organization involved in the mentorship programmes (roadmap item 10)."""

from ingest.schemas.base import DATE, ENUM, INT, TEXT, WITH_STAFF, Dataset, Field, inn_rule

PARTNER_TYPES = (
    "вуз",
    "колледж (СПО)",
    "предприятие (организация)",
    "учреждение культуры",
    "учреждение спорта",
    "НКО",
    "другое",
)
PARTNER_TYPE_SPELLINGS = {
    "вуз": ("высшее учебное заведение", "университет"),
    "колледж (СПО)": ("техникум",),
    "НКО": ("некоммерческая организация",),
}

PARTNERS = Dataset(
    name="partners",
    title="Партнёры",
    grain="одна строка — одна организация-партнёр",
    order=5,
    owed_by=WITH_STAFF,   # item 10 is the organizations' alone
    allow_empty=True,
    key=("name",),
    fields=(
        Field("name", "Наименование", TEXT, required=True, aliases=("наименование партнёра", "партнёр"),
              example="Когалымский политехнический колледж"),
        Field("partner_type", "Тип партнёра", ENUM, required=True, choices=PARTNER_TYPES,
              spellings=PARTNER_TYPE_SPELLINGS, aliases=("тип",),
              example="колледж (СПО)"),
        Field("inn", "ИНН", TEXT, example="8608012340"),
        Field("agreement", "Соглашение", TEXT, aliases=("соглашение (номер и дата)", "договор"),
              example="№ 15 от 01.09.2025"),
        Field("participation_forms", "Формы участия", TEXT, example="наставники из числа студентов"),
        Field("mentors_count", "Наставников от партнёра", INT, min=0, aliases=("наставников",), example="2"),
        Field("since_date", "Дата начала сотрудничества", DATE, aliases=("дата начала",), example="01.09.2025"),
    ),
    rules=lambda ctx: [inn_rule()],
)
