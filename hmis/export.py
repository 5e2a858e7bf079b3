"""The HMIS CSV export (FY2026): one zip of HUD's 24 files, written as a stream.

(Interface first; the writer follows.)
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO


class PeriodType:
    """HUD's ExportPeriodType."""

    UPDATED = 1  # "changed since"
    REPORTING_PERIOD = 3


class Directive:
    """HUD's ExportDirective."""

    DELTA_REFRESH = 1
    FULL_REFRESH = 2


class HashStatus:
    UNHASHED = 1
    SHA_256 = 4


@dataclass(frozen=True)
class ExportOptions:
    """What to export. Either a reporting period (start, end) or ``changed_since``."""

    start: date | None = None
    end: date | None = None
    changed_since: datetime | None = None
    project_id: int | None = None  # None: every project
    hashed: bool = False
    # The clients the person exporting may see (a supervisor's teams); None: everyone.
    client_ids: object | None = None  # a queryset of Client ids, or None
    exported_by: object | None = None  # the user, or None for a command


@dataclass
class ExportResult:
    export_id: str
    rows: dict[str, int] = field(default_factory=dict)  # file name -> data rows written
    client_count: int = 0


def write_export(
    options: ExportOptions,
    target: BinaryIO,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write the zip to ``target`` (a binary file open for writing); ``progress(done, total)``
    is called now and then with clients written so far."""
    raise NotImplementedError
