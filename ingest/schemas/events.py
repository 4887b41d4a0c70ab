"""events: one row per event the organization ran or took part in (roadmap items 1, 5, 6, 8, 9)."""

from ingest.schemas.base import DATE, ENUM, INT, ORG_TYPES, TEXT, Dataset, Field, url_field

LEVELS = ("ОО", "муниципальный", "региональный", "федеральный")
KINDS = (
    "для наставников и наставляемых",        # item 5
    "для педагогов с затруднениями",         # item 6
    "конкурс",                               # item 8 when it is «Педагог-наставник»
    "представление практики",                # item 9
    "информирование",                        # item 1
)
# The order's own wording of items 6 and 9, and the contest of item 8 by its name.
KIND_SPELLINGS = {
    "для педагогов с затруднениями": ("для педагогов с профессиональными затруднениями",),
    "конкурс": ("конкурс «Педагог-наставник»", "конкурс Педагог-наставник"),
    "представление практики": ("представление практик",),
}
ROLES = ("организатор", "участник")
RESULTS = ("участие", "призёр", "победитель")


EVENTS = Dataset(
    name="events",
    title="Мероприятия",
    grain="одна строка — одно мероприятие",
    order=6,
    owed_by=ORG_TYPES,          # the department runs the city's events (items 5, 6, 8)
    allow_empty=True,
    fields=(
        Field("event_date", "Дата", DATE, required=True, aliases=("дата проведения",), example="15.10.2025",
              in_year=True),
        Field("title", "Название", TEXT, required=True, aliases=("наименование", "мероприятие"),
              example="Городской семинар «Наставничество в школе»"),
        Field("level", "Уровень", ENUM, required=True, choices=LEVELS, example="муниципальный"),
        Field("kind", "Вид", ENUM, required=True, choices=KINDS, spellings=KIND_SPELLINGS,
              aliases=("вид мероприятия",),
              example="для наставников и наставляемых"),
        Field("role", "Роль", ENUM, required=True, choices=ROLES, aliases=("роль оо",), example="участник"),
        Field("participants", "Участников", INT, min=0, aliases=("количество участников",), example="12"),
        Field("result", "Результат", ENUM, choices=RESULTS, example="участие"),
        url_field("url", "Ссылка", aliases=("ссылка на итоги",), example="https://school1.example.ru/news/15"),
    ),
)
