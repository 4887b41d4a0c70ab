"""roadmap: one row per roadmap item (1-11) of order No. 11-Пр-267, the organization's status for the year."""

from ingest.schemas.base import DATE, ENUM, INT, ORG_TYPES, TEXT, Context, Dataset, Field, Rule, url_field

STATUSES = ("не начато", "в работе", "выполнено", "не требуется")

# Item 8 (the contest «Педагог-наставник») runs in 2026 and 2028 only (the order's deadline column).
CONTEST_YEARS = (2026, 2028)


def _rules(ctx: Context) -> list[Rule]:
    rules = [
        Rule("done_date", "Не указана дата выполнения", "дата ДД.ММ.ГГГГ, если статус «выполнено»",
             lambda d: (d["status"] != "выполнено") | d["done_date"].notna(), uses=("status", "done_date")),
        Rule("status", "Статус «выполнено» без ссылки на результат",
             "ссылка на размещённый результат (сайт ОО или УО)",
             lambda d: (d["status"] != "выполнено") | d["result_url"].notna(),
             uses=("status", "result_url"), severity="warning"),
        Rule("done_date", "Дата выполнения при статусе, отличном от «выполнено»",
             "пустая дата, пока пункт не выполнен",
             lambda d: (d["status"] == "выполнено") | d["done_date"].isna(),
             uses=("status", "done_date"), severity="warning"),
    ]
    if ctx.year is not None and ctx.year not in CONTEST_YEARS:
        rules.append(Rule(
            "status", "Пункт 8 (конкурс «Педагог-наставник») в этом году не проводится",
            f"статус «не требуется»: конкурс проводится в {' и '.join(map(str, CONTEST_YEARS))} годах",
            lambda d: (d["item"] != 8) | (d["status"] == "не требуется"),
            uses=("item", "status"), severity="warning"))
    return rules


ROADMAP = Dataset(
    name="roadmap",
    title="Дорожная карта",
    grain="одна строка — один пункт дорожной карты (1–11)",
    order=1,
    owed_by=ORG_TYPES,          # the department reports on the items it runs too
    key=("item",),
    skip_example=False,         # its template lists the 11 items, «не начато», instead of an example
    fields=(
        Field("item", "Пункт", INT, required=True, min=1, max=11, aliases=("№", "номер пункта", "№ пункта"),
              number_prefixes=("пункт", "п.", "п", "№"), number_suffixes=(".", ")"), example="1"),
        Field("status", "Статус", ENUM, required=True, choices=STATUSES, example="выполнено"),
        Field("done_date", "Дата выполнения", DATE, aliases=("дата",), example="14.03.2025", in_year=True),
        url_field("result_url", "Ссылка на результат", aliases=("ссылка", "url"),
                  example="https://school1.example.ru/nastavnichestvo"),
        Field("comment", "Комментарий", TEXT, aliases=("примечание",), example="Информационное письмо № 12"),
    ),
    rules=_rules,
)
