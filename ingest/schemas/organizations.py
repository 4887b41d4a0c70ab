"""organizations: the department's registry. One row per organization (and the department itself)."""

from ingest.schemas.base import ENUM, ORG_TYPES, TEXT, Dataset, Field, inn_rule, url_field

ORGANIZATIONS = Dataset(
    name="organizations",
    title="Организации",
    grain="одна строка — одна организация",
    order=0,
    registry=True,
    key=("org_code",),
    skip_example=False,         # the example is the city's school № 1, a real row of the registry
    fields=(
        Field("org_code", "Код ОО", TEXT, required=True, pattern=r"^[0-9A-Za-zА-Яа-яЁё_\-]{1,20}$",
              pattern_hint="короткий код до 20 символов: буквы, цифры, «_» или «-», без пробелов",
              aliases=("код", "код организации", "code"), example="СОШ1"),
        Field("full_name", "Полное наименование", TEXT, required=True, aliases=("наименование", "name"),
              example="Муниципальное автономное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»"),
        Field("short_name", "Краткое наименование", TEXT, required=True, aliases=("краткое название",),
              example="МАОУ «СОШ № 1»"),
        Field("org_type", "Тип ОО", ENUM, required=True, choices=ORG_TYPES, aliases=("тип", "тип организации", "type"),
              example="общеобразовательная"),
        Field("municipality", "Муниципалитет", TEXT, aliases=("город",), example="Когалым",
              note="если пусто — «Когалым»"),
        Field("inn", "ИНН", TEXT, example="8608000009"),
        url_field("website", "Сайт", aliases=("сайт оо", "site", "url"), example="https://school1.example.ru"),
    ),
    rules=lambda ctx: [inn_rule()],
)

