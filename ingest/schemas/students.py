"""students: one row with the organization's totals of students (no personal data)."""

from ingest.errors import WARNING
from ingest.schemas.base import ADDITIONAL, INT, SCHOOL, Dataset, Field, Rule


def _not_above(part: str, total: str, title_total: str, severity: str = "error") -> Rule:
    return Rule(part, f"Больше, чем «{title_total}»", f"не больше значения «{title_total}»",
                lambda d: d[part].isna() | d[total].isna() | (d[part] <= d[total]), uses=(part, total),
                severity=severity)


STUDENTS = Dataset(
    name="students",
    title="Обучающиеся",
    grain="одна строка — итоги организации",
    order=7,
    owed_by=(SCHOOL, ADDITIONAL),   # kindergartens have no students aged 10-18
    single_row=True,
    fields=(
        Field("students_total", "Обучающихся всего", INT, required=True, min=0, aliases=("всего обучающихся",),
              example="850"),
        Field("students_10_18", "В возрасте 10–18 лет", INT, required=True, min=0,
              aliases=("в возрасте 10-18 лет", "обучающихся 10-18 лет"), example="520"),
        Field("mentee_students", "Наставляемых обучающихся", INT, required=True, min=0, example="60"),
        Field("mentor_students", "Обучающихся-наставников", INT, required=True, min=0, example="15"),
    ),
    rules=lambda ctx: [
        _not_above("students_10_18", "students_total", "Обучающихся всего"),
        _not_above("mentee_students", "students_total", "Обучающихся всего"),
        _not_above("mentor_students", "students_total", "Обучающихся всего"),
        # The federal indicator counts mentees aged 10-18; more mentees than students of that age is
        # possible (younger mentees) but worth a look.
        _not_above("mentee_students", "students_10_18", "В возрасте 10–18 лет", severity=WARNING),
    ],
)
