"""A stand-in for ``hmis.importer.import_zip`` (the import core, written beside this page) with
its report's shape, so the page and its jobs are tested on their own: it records each call and
answers what the test set.

    fake = FakeImporter(duplicates=[pair(...)])
    monkeypatch.setattr("hmis.import_jobs.import_zip_file", fake)
"""

from hmis import validator
from hmis.importer import DuplicateCandidate, FileCounts, ImportReport, Skip

# The real report's classes: the page reads exactly what the importer returns.
__all__ = ["DuplicateCandidate", "FileCounts", "ImportReport", "Skip"]


def validator_report(problems=()):
    """A real validator report holding ``problems`` ((file, line, column, value, message,
    check) tuples)."""
    report = validator.Report()
    for problem in problems:
        report.add(*problem)
    return report


class FakeImporter:
    """Records ``(path, options)`` per call; a dry run reports "would", an import "did"."""

    def __init__(self, *, refused=None, duplicates=(), skips=(), fail=False, problems=()):
        self.calls = []
        self.refused, self.fail = refused, fail
        self.duplicates, self.skips, self.problems = list(duplicates), list(skips), problems

    def __call__(self, path, **options):
        self.calls.append((path, options, path.read_bytes()[:2] if path.exists() else None))
        if self.fail:
            raise RuntimeError("the importer broke")
        if options.get("progress"):
            options["progress"](3, 3)
        if self.refused:
            return ImportReport("", "", self.refused, None, dry_run=options["dry_run"])
        return ImportReport(
            export_id="EXPORT1",
            source="Test CoC HMIS",
            refused=None,
            validation=validator_report(self.problems),
            files={
                "Client.csv": FileCounts(read=3, imported=2, unchanged=0, skipped=1),
                "Enrollment.csv": FileCounts(read=2, imported=1, updated=1),
            },
            skips=self.skips,
            duplicates=self.duplicates,
            dry_run=options["dry_run"],
        )

    @property
    def imports(self):
        return [options for _path, options, _start in self.calls if not options["dry_run"]]
