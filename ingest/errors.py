"""The exception family of ingest and the issue record every check produces.

File-level problems that stop reading (empty file, binary junk, unknown encoding, too large) are
exceptions of the :class:`UploadError` family. Everything found inside a readable table is an
:class:`Issue`, so that a person sees all problems of a file at once.

Every exception here has a stable ``code`` (a class attribute, as frictionless-py's errors do) and a
Russian ``message``: programs branch on the code, people read the message. The exceptions travel
as they are up to the upload page and the command line, which render each kind in their own way;
nothing turns them into strings on the way. Codes are part of the interface: never rename one.

    ingest-error            IngestError        the base; never raised itself
    upload-error            UploadError        a file that cannot be read at all
      file-too-large        FileTooLarge       larger than the caller's limit, refused before reading
      unreadable-file       UnreadableFile     not a table (PDF, archive, binary, empty, damaged)
      encoding-error        EncodingError      text in an encoding that cannot be decoded
    usage-error             UsageError         wrong arguments: dataset, organization, year
      version-not-found     VersionNotFound    restoring a version that was never loaded
    permission-denied       PermissionDenied   the user may not do this (ingest.service)
    stale-preview           StalePreview       the target changed between preview and confirm
    removal-not-confirmed   RemovalNotConfirmed  an upload removing more than half of a dataset's rows,
                                               confirmed without saying so explicitly
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from warehouse import russian

ERROR = "error"
WARNING = "warning"


class IngestError(Exception):
    """An error for a person to read: a stable ``code`` and a Russian ``message``."""

    code: ClassVar[str] = "ingest-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class UploadError(IngestError):
    """A file that cannot be read at all. The message is Russian and says what to do."""

    code = "upload-error"


class FileTooLarge(UploadError):
    """A file over the caller's size limit (the app's 10 MB, the command line's 200 MB), refused
    before it is read."""

    code = "file-too-large"

    def __init__(self, size_bytes: int, max_bytes: int) -> None:
        super().__init__(
            f"Файл слишком большой: {russian.megabytes(size_bytes)} при допустимых "
            f"{russian.megabytes(max_bytes, 0)}. "
            "Проверьте, что это нужный файл: уберите лишние листы, столбцы и строки или сохраните его как CSV.")
        self.size_bytes, self.max_bytes = size_bytes, max_bytes


class UnreadableFile(UploadError):
    code = "unreadable-file"


class BadFileName(UploadError):
    """A file name with a control character (a NUL cannot come from a file system: the request was
    forged) or longer than file systems allow; refused before the file is read (issue 15)."""

    code = "bad-file-name"


class EncodingError(UploadError):
    code = "encoding-error"


class WriteFailed(IngestError):
    """The warehouse could not write an upload (a full disk, a file the server may not write): nothing
    was written; the attempt is in the upload log and the audit log when they could still be written,
    and always in the server's log (issue 15)."""

    code = "write-failed"


class UsageError(IngestError):
    """Wrong arguments (unknown dataset, year outside the allowed range, unknown organization)."""

    code = "usage-error"


class VersionNotFound(UsageError):
    """A restore of a version that the snapshot never had."""

    code = "version-not-found"

    def __init__(self, dataset_title: str, org_code: str, year: int, version: int) -> None:
        super().__init__(f"Версии {version} набора «{dataset_title}» ({org_code}, {year}) нет")
        self.version = version


class PermissionDenied(IngestError):
    """The user may not upload or restore this target; nothing was written but the audit line of
    the refusal."""

    code = "permission-denied"


class StalePreview(IngestError):
    """Another session loaded or restored a version of the target after the preview was made, so the
    preview no longer says what the upload would change; nothing was written."""

    code = "stale-preview"

    def __init__(self, message: str = "Пока вы смотрели проверку, этот набор изменили (загрузили или восстановили "
                                      "другую версию).") -> None:
        super().__init__(message)


class RemovalNotConfirmed(IngestError):
    """An upload would remove more than half of a dataset's rows and the person did not confirm the
    removal explicitly (issue 12, «Removals are a decision»); nothing was written."""

    code = "removal-not-confirmed"

    def __init__(self, titles: list[str]) -> None:
        super().__init__(
            "Загрузка удалит больше половины строк: " + ", ".join(f"«{t}»" for t in titles) + ". Подтвердите "
            "удаление явно (отметка «Да, удалить» на странице или --confirm-removals в командной строке).")
        self.titles = titles


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
