"""Benchmark the HMIS CSV export (FY2026) at scale: time, peak Python memory and rows per file.
Not part of the test suite.

It builds, through the app's bulk path with history: ``--clients`` clients, each enrolled in one
PSH project (a third of them exited with a destination), each with an entry and an annual
assessment (income, benefits, insurance), six disability answers and a DV answer per
assessment. Then it exports the whole program for the period and prints a table.

Use a throwaway database; the script refuses one that already holds clients (``--reuse`` measures
a database it built earlier):

    createdb hf_bench_export
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hf_bench_export \\
        .venv/bin/python benchmarks/export_hmis.py --clients 100000
"""

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal

from django_setup import setup  # noqa: E402 (benchmarks/, next to this script)

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from clients.models import Client  # noqa: E402
from enrollments.models import (  # noqa: E402
    Assessment,
    DisabilityAnswer,
    DomesticViolenceAnswer,
    Enrollment,
    Household,
    Organization,
    Project,
)
from hmis.export import ExportOptions, write_export  # noqa: E402
from housingfirst.audit import acting_as  # noqa: E402

BATCH = 5000
FIRST_ENTRY = date(2022, 1, 1)


def _bulk(model, objects):
    with transaction.atomic():
        bulk_create_with_history(objects, model, batch_size=BATCH)


def build(clients: int) -> None:
    staff = get_user_model().objects.create(username="bench-export", last_name="Bench")
    organization = Organization.objects.create(name="Benchmark Housing First")
    project = Project.objects.create(
        organization=organization,
        name="Benchmark PSH",
        coc_code="XX-501",
        operating_start_date=date(2020, 1, 1),
    )
    began = time.monotonic()
    with acting_as("benchmark", user=staff):
        for first in range(0, clients, BATCH):
            count = min(BATCH, clients - first)
            people = [
                Client(
                    first_name=f"Bench{n}",
                    last_name=f"Client{n % 997}",
                    date_of_birth=date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                    ssn=f"{n % 10**9:09d}",
                    ssn_data_quality=1,
                )
                for n in range(first, first + count)
            ]
            _bulk(Client, people)
            people = list(Client.objects.order_by("-pk")[:count])[::-1]
            households = [Household(project=project) for _ in people]
            _bulk(Household, households)
            households = list(Household.objects.order_by("-pk")[:count])[::-1]
            enrollments = []
            for n, (person, household) in enumerate(zip(people, households, strict=True)):
                entry = FIRST_ENTRY + timedelta(days=(first + n) % 700)
                exited = (first + n) % 3 == 0
                enrollments.append(
                    Enrollment(
                        client=person,
                        project=project,
                        household=household,
                        relationship_to_head=1,
                        entry_date=entry,
                        enrollment_coc="XX-501",
                        living_situation=116,
                        disabling_condition=1,
                        exit_date=entry + timedelta(days=400) if exited else None,
                        destination=410 if exited else None,
                    )
                )
            _bulk(Enrollment, enrollments)
            enrollments = list(Enrollment.objects.order_by("-pk")[:count])[::-1]
            assessments = []
            for enrollment in enrollments:
                for stage, offset in ((1, 0), (5, 365)):
                    assessments.append(
                        Assessment(
                            client_id=enrollment.client_id,
                            enrollment=enrollment,
                            stage=stage,
                            information_date=enrollment.entry_date + timedelta(days=offset),
                            income_from_any_source=1,
                            ssi=True,
                            ssi_amount=Decimal("943.00"),
                            total_monthly_income=Decimal("943.00"),
                            benefits_from_any_source=1,
                            snap=True,
                            insurance_from_any_source=1,
                            medicaid=True,
                            recorded_by=staff,
                        )
                    )
            _bulk(Assessment, assessments)
            assessments = list(Assessment.objects.order_by("-pk")[: 2 * count])[::-1]
            answers = [
                DisabilityAnswer(
                    client_id=a.client_id, assessment=a, disability_type=kind, response=0
                )
                for a in assessments
                for kind in range(5, 11)
            ]
            _bulk(DisabilityAnswer, answers)
            _bulk(
                DomesticViolenceAnswer,
                [
                    DomesticViolenceAnswer(client_id=a.client_id, assessment=a, survivor=0)
                    for a in assessments
                ],
            )
            print(f"  built {first + count} clients: {time.monotonic() - began:.0f}s", flush=True)


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def measure(period_end: date, *, trace: bool) -> None:
    """One export into a file on disk, as the page writes it. Timed without tracemalloc (which
    slows allocation-heavy code several times); ``trace`` runs it again under tracemalloc for
    the peak of Python's own allocations."""
    options = ExportOptions(start=date(2020, 1, 1), end=period_end)
    target = tempfile.TemporaryFile()  # noqa: SIM115
    rss_before = _rss_mb()
    began = time.perf_counter()
    result = write_export(options, target)
    seconds = time.perf_counter() - began
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak = None
    if trace:
        tracemalloc.start()
        write_export(options, tempfile.TemporaryFile())  # noqa: SIM115
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    total = sum(result.rows.values())
    size = target.tell()
    print(
        f"\nclients {result.client_count:,}: {seconds:.1f} s, {total / seconds:,.0f} rows/s, "
        f"zip {size / 2**20:.1f} MB"
    )
    print(f"process RSS: {rss_before:.0f} MB before, {rss:.0f} MB at most")
    if peak is not None:
        print(f"peak of Python allocations during the export (tracemalloc): {peak / 2**20:.1f} MB")
    print("\n| file | rows | seconds | rows/s |\n|---|---|---|---|")
    for name, count in result.rows.items():
        if count:
            took = result.seconds[name]
            print(f"| {name} | {count:,} | {took:.1f} | {count / took:,.0f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="measure the data built earlier")
    parser.add_argument("--trace", action="store_true", help="also trace Python allocations")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not args.reuse:
        if Client.objects.exists():
            sys.exit("Use an empty database (or --reuse one this script built).")
        build(args.clients)
    measure(period_end=date(2026, 12, 31), trace=args.trace)


if __name__ == "__main__":
    main()
