"""The building blocks of dataset declarations: fields, references, rules, the validation context.

A :class:`Dataset` is the one declaration of a dataset (one module of ``ingest/schemas`` each): its
fields (the Russian template titles, English snake_case names, aliases, types, allowed values), its
grain and key, its references to other datasets of the same organization and year, which types of
organization owe it, whether a header-only file means «none», and its own row rules. Everything
else derives from it:

- :meth:`Dataset.schema` — the pandera ``DataFrameSchema`` of one upload (the context carries the
  reporting year and the IDs of the datasets it refers to);
- :meth:`Dataset.all_rules` — its own rules plus the cross-dataset rules made from ``references``;
  ``ingest.load`` makes the orphan warnings from the same references, read the other way;
- :meth:`Dataset.ddl` — the ``raw_*`` table, the ``stg_*`` view and the reference rows
  (``datasets``, ``expected_datasets``) its migration creates (``python -m ingest ddl NAME`` prints
  them; ``tests/test_catalog.py`` checks the migrated warehouse equals them);
- the templates (``ingest.templates``), the titles (``DATASET_TITLES``), the demo's columns.

Type coercion (text to number, date, yes/no) happens before pandera, in :mod:`ingest.parse`,
because pandera reports only the coercion failure of a column and none of its value checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from ingest.errors import ERROR

TEXT, INT, DATE, BOOL, ENUM = "text", "int", "date", "bool", "enum"

# pandas dtypes of the typed frame that pandera validates.
DTYPES = {TEXT: "str", ENUM: "str", INT: "Int64", DATE: "datetime64[s]", BOOL: "boolean"}

# Warehouse column types of the kinds (the ``raw_*`` tables).
SQL_TYPES = {TEXT: "varchar", ENUM: "varchar", INT: "integer", DATE: "date", BOOL: "boolean"}

URL_RE = r"(?i)^https?://[^\s/$.?#][^\s]*\.[^\s]+$"

# The types of organization of the registry (DOMAIN.md); a dataset declares which of them owe it.
ORG_TYPES = (
    "общеобразовательная",
    "дошкольная",
    "дополнительного образования",
    "орган управления образованием",
)
SCHOOL, KINDERGARTEN, ADDITIONAL, DEPARTMENT = ORG_TYPES
WITH_STAFF = (SCHOOL, KINDERGARTEN, ADDITIONAL)   # all but the department: organizations with teachers


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
    # Other spellings of allowed values, canonical -> accepted variants (the order's, DOMAIN.md's and the
    # federal methodology's words). Stored as the canonical value, with a warning that says so; short forms
    # (without the part in brackets, a unique prefix by words) are derived in ``ingest.parse``, not listed.
    spellings: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    # Marks a whole number may carry, as Word and Excel lists write them: «п. 1», «Пункт 1», «1.», «1)».
    number_prefixes: tuple[str, ...] = ()
    number_suffixes: tuple[str, ...] = ()
    example: str = ""                 # the value in the template's example row
    in_year: bool = False             # a DATE that must fall inside the reporting year
    note: str = ""                    # a short hint for the template
    # An optional column whose absence changes what the figures say: the warning's «Ожидалось» when a
    # file leaves the column out (the mentors' consent: without it nobody is published).
    if_absent: str = ""

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
class Reference:
    """A column whose values must be IDs of another dataset of the same organization and year.

    Checked both ways: a new file must point at rows that exist (:meth:`Dataset.all_rules`), and a
    new file of the referred dataset is warned about the rows it would orphan (``ingest.load``).
    """

    column: str                          # our column
    dataset: str                         # the dataset referred to
    target: str                          # its column (its key)
    when: tuple[str, str] | None = None  # only in rows where this (column, value) holds


@dataclass(frozen=True)
class Context:
    """What a schema needs to know beyond the file itself.

    ``known`` maps each referred dataset (``Dataset.references``) to the values of its referred
    column in the organization's current snapshot for the year; a dataset that is absent or None
    has not been uploaded.
    """

    year: int | None = None
    org_code: str | None = None
    known: Mapping[str, frozenset[str] | None] = field(default_factory=dict)


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
    name: str                                     # snake_case: the CLI's name, ``raw_<name>``, ``stg_<name>``
    title: str                                    # Russian name: «Педагоги» (also the template's sheet)
    grain: str                                    # one row per ...
    fields: tuple[Field, ...]
    # Where it stands in every list of datasets, 0 for the registry; for the others also its bit in
    # the warehouse's integer masks of datasets (``datasets.sort``, bit sort - 1): 1 to 31.
    order: int = 31
    owed_by: tuple[str, ...] = ()                 # the types of organization that upload it every year
    key: tuple[str, ...] = ()                     # unique within a file
    references: tuple[Reference, ...] = ()        # IDs that must exist in another dataset's current file
    objects: str = ""                             # what a person uploads, accusative: «затем наставников»
    registry: bool = False                        # the organizations registry: no org and year
    single_row: bool = False
    # A file with a header and no rows says "we have none" (no partners, no events); for these
    # datasets that is a fact worth recording, not a mistake. Figures then show 0, not «нет данных».
    allow_empty: bool = False
    # The template's example row (the fields' ``example``) is a placeholder: a data row equal to it is
    # skipped with a warning. False where the template has no such row (the roadmap lists the 11 items)
    # or where the example is a real row (the registry's example is the city's school № 1).
    skip_example: bool = True
    rules: Callable[[Context], list[Rule]] = field(default=lambda ctx: [])

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]

    @property
    def table(self) -> str:
        """The warehouse table of every accepted version's rows."""
        return f"raw_{self.name}"

    @property
    def view(self) -> str:
        """The view of the current rows (``organizations`` for the registry)."""
        return self.name if self.registry else f"stg_{self.name}"

    def all_rules(self, ctx: Context) -> list[Rule]:
        """The dataset's own rules, the dates that must fall inside the year, then one rule per reference (the referred file must be uploaded
        and must hold the ID). Their order numbers the checks: never filter this list."""
        in_year = [year_rule(f.name, ctx) for f in self.fields if f.in_year] if ctx.year is not None else []
        references = [rule for ref in self.references for rule in self._reference_rules(ref, ctx)]
        return [*self.rules(ctx), *in_year, *references]

    def _reference_rules(self, ref: Reference, ctx: Context) -> list[Rule]:
        from ingest.schemas import DATASETS  # the registry imports this module

        other = DATASETS[ref.dataset]
        def applies(d: pd.DataFrame) -> pd.Series:
            return d[ref.when[0]] == ref.when[1] if ref.when else pd.Series(True, index=d.index)

        uses = (ref.when[0], ref.column) if ref.when else (ref.column,)
        known = ctx.known.get(ref.dataset)
        if known is None:
            return [Rule(ref.column, f"Файл «{other.title}» за этот год ещё не загружен",
                         f"сначала загрузите файл «{other.title}» за {ctx.year} год, затем {self.objects}",
                         lambda d: ~applies(d) | d[ref.column].isna(), uses=uses)]
        return [Rule(ref.column, f"{self.field(ref.column).title} не найден в файле «{other.title}»",
                     f"ID из загруженного файла «{other.title}» за {ctx.year} год",
                     lambda d: ~applies(d) | d[ref.column].isna() | d[ref.column].isin(known), uses=uses)]

    def ddl(self) -> str:
        """The SQL that creates the dataset in the warehouse: what its migration holds.

        The ``raw_*`` table (every accepted version's typed rows under their upload id and spreadsheet
        row number), the view of the current rows (joined to this dataset's snapshots only), and the
        reference rows: the dataset in ``datasets`` and the types that owe it in ``expected_datasets``.
        """
        columns = ", ".join(f"{f.name} {SQL_TYPES[f.kind]}" for f in self.fields)
        create = f"create table {self.table} (upload_id bigint not null, row_no integer not null, {columns});"
        if self.registry:
            return (f"{create}\ncreate view {self.view} as select r.* exclude (upload_id, row_no) from {self.table} r "
                    f"join (select upload_id from snapshots where dataset = '{self.name}') s using (upload_id);")
        owed = "".join(f"\ninsert into expected_datasets values ('{t}', '{self.name}');" for t in self.owed_by)
        return (f"{create}\ncreate view {self.view} as select s.org_code, s.year, r.* exclude (upload_id) "
                f"from {self.table} r join (select upload_id, org_code, year from snapshots "
                f"where dataset = '{self.name}') s using (upload_id);"
                f"\ninsert into datasets values ('{self.name}', '{self.title}', {self.order});{owed}")

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
            for i, rule in enumerate(self.all_rules(ctx))
            if rule.severity == severity and set(rule.uses or (rule.column,)) <= present
        ]
        return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)

    def describe(self, check: str, ctx: Context) -> tuple[str, str, str]:
        """(field, problem, expected) of a check name produced by :meth:`schema`."""
        kind, idx = check.split("|")
        if kind == "rule":
            rule = self.all_rules(ctx)[int(idx)]
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
