"""mentors: one row per mentor of the organization (the mentor base of roadmap item 4)."""

from ingest.schemas.base import BOOL, DATE, ENUM, TEXT, WITH_STAFF, Context, Dataset, Field, Reference, Rule

MENTOR_TYPES = ("педагог", "обучающийся", "студент", "представитель работодателя", "другое")
MENTORS_WHOM = ("педагогов", "обучающихся", "педагогов и обучающихся")


def _rules(ctx: Context) -> list[Rule]:
    is_teacher = lambda d: d["mentor_type"] == "педагог"  # noqa: E731
    return [
        Rule("teacher_id", "Не указан ID педагога у наставника-педагога",
             "ID педагога из файла «Педагоги», если тип наставника «педагог»",
             lambda d: ~is_teacher(d) | d["teacher_id"].notna(), uses=("mentor_type", "teacher_id")),
    ]


MENTORS = Dataset(
    name="mentors",
    title="Наставники",
    grain="одна строка — один наставник",
    order=3,
    owed_by=WITH_STAFF,
    allow_empty=True,
    key=("mentor_id",),
    # A teacher mentor is a teacher of the staff file (DOMAIN.md, «ID педагога ... must exist in staff»).
    references=(Reference("teacher_id", "staff", "teacher_id"),),
    objects="наставников",
    fields=(
        Field("mentor_id", "ID наставника", TEXT, required=True, aliases=("id", "код наставника"), example="Н-01"),
        Field("full_name", "ФИО", TEXT, required=True, aliases=("фио наставника", "name"),
              example="Иванова Мария Петровна", note="публикуется в базе наставников (пункт 4)"),
        Field("mentor_type", "Тип наставника", ENUM, required=True, choices=MENTOR_TYPES, aliases=("тип",),
              example="педагог"),
        Field("teacher_id", "ID педагога", TEXT, aliases=("код педагога",), example="П-001",
              note="обязателен для наставника-педагога"),
        Field("workplace", "Должность или место работы", TEXT, aliases=("должность", "место работы"),
              example="учитель математики"),
        Field("mentors_whom", "Наставляет", ENUM, required=True, choices=MENTORS_WHOM, aliases=("кого наставляет",),
              example="педагогов"),
        Field("trained", "Прошёл обучение", BOOL, aliases=("обучение",), example="да"),
        Field("order_date", "Дата приказа о закреплении", DATE, aliases=("дата приказа",), example="01.09.2025"),
        # 152-ФЗ art. 10.1: a name goes on the website only with the person's consent to its distribution.
        # Optional: a file made from last year's template has no such column; its mentors count as not
        # consenting and the upload warns (``if_absent``), so nobody is published by default.
        Field("consent", "Согласие на размещение сведений", BOOL,
              aliases=("согласие", "согласие на размещение", "согласие на публикацию",
                       "согласие на распространение персональных данных"),
              example="да", note="без согласия ФИО не публикуется на сайте (152-ФЗ, ст. 10.1)",
              if_absent="столбец «Согласие на размещение сведений» (да/нет); без него ни один наставник этого "
                        "файла не попадёт в базу наставников для сайта (152-ФЗ, ст. 10.1)"),
    ),
    rules=_rules,
)
