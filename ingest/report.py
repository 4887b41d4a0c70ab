"""The Russian report of an upload: problems grouped by what the person must fix.

A group is one kind of problem in one column («Возраст: число вне допустимого диапазона»), with
its count and its rows. Errors come before warnings; within each, the largest groups first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ingest.errors import ERROR, WARNING, Issue
from warehouse.russian import plural as plural  # the callers of ingest.report.plural keep working

SEVERITY_TITLES = {ERROR: "Ошибка", WARNING: "Предупреждение"}
EXAMPLES_IN_TEXT = 5
REPORT_COLUMNS = ["Вид", "Проблема", "Строка", "Столбец", "Найдено", "Ожидалось"]


@dataclass
class Group:
    severity: str
    problem: str
    column: str | None
    expected: str | None
    count: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def rows(self) -> list[int]:
        return sorted({i.row for i in self.issues if i.row is not None})


@dataclass
class Report:
    groups: list[Group] = field(default_factory=list)
    _index: dict = field(default_factory=dict, repr=False)

    def add(self, issue: Issue) -> None:
        key = (issue.severity, issue.problem, issue.column, issue.expected)
        g = self._index.get(key)
        if g is None:
            g = self._index[key] = Group(*key)
            self.groups.append(g)
        g.issues.append(issue)
        g.count += 1

    def extend(self, issues: list[Issue]) -> None:
        for i in issues:
            self.add(i)

    def set_count(self, severity: str, problem: str, column: str | None, total: int,
                  expected: str | None = None) -> None:
        """Record the true number of a group whose examples were capped (``expected``: of that group only,
        where one problem of a column has several texts, such as suggestions)."""
        for g in self.groups:
            if (g.severity, g.problem, g.column) == (severity, problem, column) and expected in (None, g.expected):
                g.count = max(g.count, total)

    @property
    def error_count(self) -> int:
        return sum(g.count for g in self.groups if g.severity == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(g.count for g in self.groups if g.severity == WARNING)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def sorted_groups(self) -> list[Group]:
        return sorted(self.groups, key=lambda g: (g.severity != ERROR, -g.count, g.column or "", g.problem))

    def issues(self) -> list[Issue]:
        return [i for g in self.sorted_groups() for i in sorted(g.issues, key=lambda i: (i.row or 0))]

    def to_frame(self) -> pd.DataFrame:
        """One row per problem cell, with Russian headers: the file a coordinator downloads."""
        rows = [
            [SEVERITY_TITLES[i.severity], i.problem, i.row, i.column, i.value, i.expected] for i in self.issues()
        ]
        frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
        frame["Строка"] = frame["Строка"].astype("Int64")
        return frame

    def to_text(self, examples: int = EXAMPLES_IN_TEXT) -> str:
        """The report as plain text for the command line."""
        if not self.groups:
            return "Ошибок и предупреждений нет."
        lines = []
        for sev in (ERROR, WARNING):
            groups = [g for g in self.sorted_groups() if g.severity == sev]
            if not groups:
                continue
            total = sum(g.count for g in groups)
            lines.append(f"{'Ошибки' if sev == ERROR else 'Предупреждения'}: {total}")
            for g in groups:
                where = f"«{g.column}»: " if g.column else ""
                lines.append(f"  • {where}{g.problem} — {g.count} {plural(g.count, 'раз', 'раза', 'раз')}")
                if g.expected:
                    lines.append(f"    ожидалось: {g.expected}")
                for i in sorted(g.issues, key=lambda i: i.row or 0)[:examples]:
                    at = f"строка {i.row}" if i.row else "файл"
                    found = f"найдено «{i.value}»" if i.value not in (None, "") else "пусто"
                    lines.append(f"    {at}: {found}")
                if g.count > examples:
                    lines.append(f"    … и ещё {g.count - examples}")
        return "\n".join(lines)
