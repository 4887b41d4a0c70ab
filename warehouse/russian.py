"""Russian wording and formatting: the one place where numbers, percentages, dates, plurals and
«нет данных» are written for people.

Pages, charts, exports, reports, the upload messages and the command line all use these functions,
so «1 258», «54,5 %» and «01.09.2025» look the same everywhere. Every function takes ``None`` and
pandas' missing values and answers «нет данных» (a missing figure is never shown as 0).
"""

from __future__ import annotations

import math
from datetime import date, datetime

NO_DATA = "нет данных"
SPACE = " "            # digit groups in text: «1 258»
NBSP = "\u00a0"        # digit groups where a line must not break inside a number (chart labels)


def is_missing(value) -> bool:
    """None, NaN, NaT and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):   # pandas.NA refuses bool()
        return True


def number(value, *, sep: str = SPACE, missing: str = NO_DATA) -> str:
    """A whole number with Russian digit grouping: 1258 -> «1 258»; missing -> «нет данных»."""
    if is_missing(value):
        return missing
    return f"{int(value):,}".replace(",", sep)


def decimal(value, digits: int = 1, *, missing: str = NO_DATA) -> str:
    """A number with a decimal comma and grouped digits: 1234.5 -> «1 234,5»."""
    if is_missing(value):
        return missing
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", SPACE).replace(".", ",")


def short(value, *, missing: str = NO_DATA) -> str:
    """A number as short as it reads, decimal comma, never an exponent: 12.0 -> «12», 2.5 -> «2,5»,
    1234567.5 -> «1234567,5» (for terminals and CSV cells that programs read back)."""
    if is_missing(value):
        return missing
    v = float(value)
    if math.isfinite(v) and v == int(v):
        return str(int(v))
    text = f"{v:.15g}"
    if "e" in text:
        text = f"{v:.15f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def pct(value, digits: int = 1, *, missing: str = NO_DATA) -> str:
    """A percentage: 54.54 -> «54,5 %»."""
    if is_missing(value):
        return missing
    return f"{float(value):.{digits}f}".replace(".", ",") + " %"


def points(value, digits: int = 1) -> str:
    """A signed difference of percentages in percentage points: 3.2 -> «+3,2 п. п.»."""
    return f"{float(value):+.{digits}f}".replace(".", ",") + " п. п."


def megabytes(n_bytes: int | float, digits: int = 1) -> str:
    """A file size: 19_800_000 -> «18,9 МБ» (binary megabytes, as the upload limit is stated)."""
    return f"{n_bytes / 2**20:.{digits}f}".replace(".", ",") + " МБ"


def day(value, *, missing: str = NO_DATA) -> str:
    """A date as ДД.ММ.ГГГГ."""
    if is_missing(value):
        return missing
    return value.strftime("%d.%m.%Y") if isinstance(value, (date, datetime)) else str(value)


def moment(value, *, missing: str = NO_DATA) -> str:
    """A date and time as ДД.ММ.ГГГГ ЧЧ:ММ."""
    if is_missing(value):
        return missing
    return value.strftime("%d.%m.%Y %H:%M")


def yes_no(value, *, missing: str = NO_DATA) -> str:
    if is_missing(value):
        return missing
    return "да" if value else "нет"


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian plural form for a count: 1 строка, 2 строки, 5 строк, 11 строк, 21 строка."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count(n: int, one: str, few: str, many: str) -> str:
    """A count with its noun: count(3, "строка", "строки", "строк") -> «3 строки»; missing -> «нет данных»."""
    if is_missing(n):
        return NO_DATA
    return f"{number(n)} {plural(n, one, few, many)}"


def orgs(n: int, case: str = "nom") -> str:
    """A count of organizations in the case the sentence needs: «1 организация», «из 21 организации»
    (``case="gen"``), «в 2 организациях» (``case="loc"``)."""
    forms = {"nom": ("организация", "организации", "организаций"),
             "gen": ("организации", "организаций", "организаций"),
             "loc": ("организации", "организациях", "организациях")}[case]
    return count(n, *forms)


def rows(n: int) -> str:
    """«1 строка», «3 строки», «1 258 строк»: the most common count of the upload messages."""
    return count(n, "строка", "строки", "строк")
