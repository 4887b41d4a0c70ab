"""The building blocks of dataset schemas: fields, rules, the validation context.

A :class:`Dataset` knows its fields (the Russian template titles, English snake_case names,
aliases, types, allowed values) and its row-level rules; :meth:`Dataset.schema` turns them into a
pandera ``DataFrameSchema`` for one upload (the context carries the reporting year and the IDs of
the organization's other datasets for the cross-dataset rules).

Type coercion (text to number, date, yes/no) happens before pandera, in :mod:`ingest.parse`,
because pandera reports only the coercion failure of a column and none of its value checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from ingest.errors import ERROR

TEXT, INT, DATE, BOOL, ENUM = "text", "int", "date", "bool", "enum"

# pandas dtypes of the typed frame that pandera validates.
DTYPES = {TEXT: "str", ENUM: "str", INT: "Int64", DATE: "datetime64[s]", BOOL: "boolean"}

URL_RE = r"(?i)^https?://[^\s/$.?#][^\s]*\.[^\s]+$"


@dataclass(frozen=True)
class Field:
    """One column of a dataset."""

    name: str                         # snake_case: the warehouse column and the English header
    title: str                        # the Russian header of the template
    kind: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()     # allowed values of an ENUM, in the order shown to people
    min: int | None = None
    max: int | None = None
    pattern: str | None = None        # regex a TEXT value must match
    pattern_hint: str = ""            # what the pattern means, in Russian
    aliases: tuple[str, ...] = ()     # other headers people write for this column
    example: str = ""                 # the value in the template's example row
    note: str = ""                    # a short hint for the template

    @property
    def expected(self) -> str:
        """What a valid value looks like, in Russian."""
        if self.kind == ENUM:
            return "одно из: " + ", ".join(f"«{c}»" for c in self.choices)
        if self.kind == INT:
            if self.min is not None and self.max is not None:
                return f"целое число от {self.min} до {self.max}"
            if self.min is not None:
                return f"целое число не меньше {self.min}"
            return "целое число"
        if self.kind == DATE:
            return "дата в виде ДД.ММ.ГГГГ"
        if self.kind == BOOL:
            return "«да» или «нет»"
        return self.pattern_hint or "текст"


@dataclass(frozen=True)
class Context:
    """What a schema needs to know beyond the file itself."""

    year: int | None = None
    org_code: str | None = None
    teacher_ids: frozenset[str] | None = None   # the organization's staff for the year; None: not uploaded
    mentor_ids: frozenset[str] | None = None    # the organization's mentors for the year; None: not uploaded


@dataclass(frozen=True)
class Rule:
    """A check across columns of a row (or of the whole file), reported against one column."""

    column: str                                   # the field the failure is shown against
    problem: str                                  # what is wrong, in Russian (the report groups by it)
    expected: str                                 # what was expected, in Russian
    test: Callable[[pd.DataFrame], pd.Series]     # vectorized: True where the row is fine
    uses: tuple[str, ...] = ()                    # fields the test reads; skipped when one is absent
    severity: str = ERROR


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str                                    # Russian name: «Педагоги»
    grain: str                                    # one row per ...
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()                     # unique within a file
    registry: bool = False                        # the organizations registry: no org and year
    single_row: bool = False
    # A file with a header and no rows says "we have none" (no partners, no events); for these
    # datasets that is a fact worth recording, not a mistake. Figures then show 0, not «нет данных».
    allow_empty: bool = False
    rules: Callable[[Context], list[Rule]] = field(default=lambda ctx: [])

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]

    def schema(self, ctx: Context, present: set[str], severity: str = ERROR) -> pa.DataFrameSchema:
        """The pandera schema of the checks of one severity, for the columns present in the file.

        Check names are ``"<field>|<index>"`` so that a failure maps back to its problem text
        (see :meth:`describe`); missing columns are reported by the reader, not here.
        """
        columns: dict[str, pa.Column] = {}
        if severity == ERROR:
            for f in self.fields:
                if f.name not in present:
                    continue
                columns[f.name] = pa.Column(
                    DTYPES[f.kind],
                    checks=[pa.Check(fn, name=f"{f.name}|{i}", error=f"{f.name}|{i}")
                            for i, (_, _, fn) in enumerate(self._column_checks(f))],
                    nullable=not f.required,
                    unique=self.key == (f.name,),
                    required=False,
                )
        checks = [
            pa.Check(rule.test, name=f"rule|{i}", error=f"rule|{i}")
            for i, rule in enumerate(self.rules(ctx))
            if rule.severity == severity and set(rule.uses or (rule.column,)) <= present
        ]
        return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)

    def describe(self, check: str, ctx: Context) -> tuple[str, str, str]:
        """(field, problem, expected) of a check name produced by :meth:`schema`."""
        kind, idx = check.split("|")
        if kind == "rule":
            rule = self.rules(ctx)[int(idx)]
            return rule.column, rule.problem, rule.expected
        f = self.field(kind)
        problem, expected, _ = self._column_checks(f)[int(idx)]
        return f.name, problem, expected

    @staticmethod
    def _column_checks(f: Field) -> list[tuple[str, str, Callable]]:
        """(problem, expected, vectorized test) of the value checks of one column."""
        out: list[tuple[str, str, Callable]] = []
        if f.choices:
            allowed = set(f.choices)
            out.append(("Недопустимое значение", f.expected, lambda s: s.isin(allowed)))
        if f.kind == INT and (f.min is not None or f.max is not None):
            lo = f.min if f.min is not None else -(2**62)
            hi = f.max if f.max is not None else 2**62
            out.append(("Число вне допустимого диапазона", f.expected, lambda s: s.between(lo, hi)))
        if f.pattern:
            rx = re.compile(f.pattern)
            out.append(("Неверный формат", f.expected, lambda s: s.str.match(rx).fillna(False).astype(bool)))
        return out


def year_rule(column: str, ctx: Context, *, severity: str = ERROR) -> Rule:
    """A date that must fall inside the reporting year."""
    y = ctx.year
    return Rule(
        column,
        "Дата вне отчётного года",
        f"дата с 01.01.{y} по 31.12.{y}",
        lambda d: d[column].isna() | (d[column].dt.year == y),
        severity=severity,
    )


def inn_is_valid(inn: str) -> bool:
    """The checksum of a Russian taxpayer number: 10 digits (organization) or 12 (person)."""
    if not inn.isdigit():
        return False
    digits = [int(c) for c in inn]

    def control(weights: list[int]) -> int:
        return sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10

    if len(digits) == 10:
        return control([2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[9]
    if len(digits) == 12:
        return (control([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[10]
                and control([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[11])
    return False


def inn_rule(column: str = "inn") -> Rule:
    return Rule(
        column,
        "Неверный ИНН",
        "10 или 12 цифр с верной контрольной суммой",
        lambda d: d[column].isna() | d[column].map(inn_is_valid, na_action="ignore").fillna(True).astype(bool),
    )


def url_field(name: str, title: str, aliases: tuple[str, ...] = (), example: str = "") -> Field:
    return Field(name, title, TEXT, pattern=URL_RE, pattern_hint="ссылка, начинающаяся с http:// или https://",
                 aliases=aliases, example=example)
