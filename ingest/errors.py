"""The exception family of ingest and the issue record every check produces.

File-level problems that stop reading (empty file, binary junk, unknown encoding, too large) are
exceptions of the :class:`UploadError` family. Everything found inside a readable table is an
:class:`Issue`, so that a person sees all problems of a file at once.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


class UploadError(Exception):
    """A file that cannot be read at all. The message is Russian and says what to do."""


class FileTooLarge(UploadError):
    pass


class UnreadableFile(UploadError):
    pass


class EncodingError(UploadError):
    pass


class UsageError(Exception):
    """Wrong arguments (unknown dataset, year outside the allowed range, unknown organization)."""


@dataclass(frozen=True)
class Issue:
    """One problem in an upload, as the person who must fix it needs to see it."""

    severity: str                # ERROR blocks the upload, WARNING does not
    problem: str                 # what is wrong, the grouping key of the report
    column: str | None = None    # the column title as in the template
    row: int | None = None       # the row number as the spreadsheet shows it
    value: str | None = None     # the value found
    expected: str | None = None  # what was expected

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR
