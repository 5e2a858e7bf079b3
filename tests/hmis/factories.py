"""HMIS records for the audit tests (tests/audit/builders.py finds them here)."""

from datetime import date

import factory

from hmis.models import HmisExport, HmisImport


class HmisExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HmisExport

    period_start = date(2025, 1, 1)
    period_end = date(2025, 3, 31)


class HmisImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HmisImport

    original_name = "coc-export.zip"
    size = 1024
