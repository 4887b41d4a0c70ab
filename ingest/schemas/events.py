"""events: one row per event the organization ran or took part in (roadmap items 1, 5, 6, 8, 9).

Item 8 is the municipal contest «Педагог-наставник» (2026 and 2028) and has a kind of its own, so that a
regional «Лучшая практика наставничества» prize (kind «конкурс») is never counted as item 8. A file that
writes the contest under kind «конкурс» at the municipal level with the contest's name in the title is
counted as item 8 all the same (the SQL rule ``is_item8_contest`` in ``warehouse/sql/facts.sql``), and the
upload says so with a warning (:data:`CONTEST_TITLE`, the same pattern as that rule).
"""

import re

from ingest.schemas.base import DATE, ENUM, INT, ORG_TYPES, TEXT, Context, Dataset, Field, Rule, url_field

LEVELS = ("ОО", "муниципальный", "региональный", "федеральный")
KINDS = (
    "для наставников и наставляемых",        # item 5
    "для педагогов с затруднениями",         # item 6
    "конкурс «Педагог-наставник»",           # item 8: the municipal contest of 2026 and 2028
    "конкурс",                               # any other contest (regional, federal, other titles)
    "представление практики",                # item 9
    "информирование",                        # item 1
)
ITEM8_KIND = KINDS[2]
# The order's own wording of items 6 and 9, and the contest of item 8 by its name.
KIND_SPELLINGS = {
    "для педагогов с затруднениями": ("для педагогов с профессиональными затруднениями",),
    ITEM8_KIND: ("конкурс Педагог-наставник", "Педагог-наставник", "конкурс «Педагог-наставник» (пункт 8)"),
    "представление практики": ("представление практик",),
}
ROLES = ("организатор", "участник")
RESULTS = ("участие", "призёр", "победитель")

# A title naming the contest «Педагог-наставник» (any dash, quotes, case); the SQL macro is_item8_contest
# (warehouse/sql/facts.sql) matches titles with the same pattern.
CONTEST_TITLE = r"педагог\W*наставник"


def _rules(ctx: Context) -> list[Rule]:
    return [Rule(
        "kind", "Конкурс «Педагог-наставник» указан с видом «конкурс»",
        f"вид «{ITEM8_KIND}»; строка учтена как конкурс пункта 8 по названию",
        lambda d: ~((d["kind"] == "конкурс") & (d["level"] == "муниципальный")
                    & d["title"].str.contains(CONTEST_TITLE, flags=re.IGNORECASE, regex=True, na=False)),
        uses=("kind", "level", "title"), severity="warning")]


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
    rules=_rules,
)
