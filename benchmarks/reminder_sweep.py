"""Benchmark the hourly reminder sweep (``reminders.services.reminders_generate``) on the demo
program: the first sweep, which makes every reminder, and a sweep that changes nothing.
Not part of the test suite.

Deleting reminders to time their creation would leave audited rows without history, so the
sweep that makes them all is timed on a database seeded without them (``seed_demo
--without-reminders``; only the few that the small program's enrollments make at once exist):
the first sweep there is the one that creates, and the sweeps after it change nothing (median
of ``--repeat``). On a database that holds the seed's reminders, the first sweep creates
nothing either (the table says how many each made). A PostgreSQL template keeps the seed for
another run (a copy takes seconds, the seed a minute or two):

    createdb hf_sweep_seed
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hf_sweep_seed DEBUG=1 \\
        .venv/bin/python manage.py migrate -v0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hf_sweep_seed DEBUG=1 \\
        .venv/bin/python manage.py seed_demo --clients 10000 --without-reminders
    createdb -T hf_sweep_seed hf_sweep_run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hf_sweep_run \\
        .venv/bin/python benchmarks/reminder_sweep.py --explain

The time includes the housing read model's reconciliation, which the sweep starts with; it is
shown on its own line too.
"""

import argparse
import os
import re
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django_setup import setup  # noqa: E402 (benchmarks/, next to this script)

setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clients.models import Client  # noqa: E402
from housingfirst.audit import acting_as  # noqa: E402
from placements import state as housing_state  # noqa: E402
from reminders import services  # noqa: E402


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them after a seed or a big sweep."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@cache
def _backend_stat() -> Path | None:
    """/proc/…/stat of this connection's PostgreSQL backend, when it runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    return stat if stat.exists() else None


def cpu_seconds() -> float:
    """CPU time used so far by this process and by its database backend (when PostgreSQL runs
    on this machine): the work done, which, unlike the wall-clock time, does not grow when
    other jobs share the cores. On an idle machine a sweep takes about this long."""
    used = time.process_time()
    if (stat := _backend_stat()) is not None:
        # utime and stime, the 14th and 15th fields (counted after the command's name).
        fields = stat.read_text().rsplit(")", 1)[1].split()
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


@dataclass
class Run:
    seconds: float
    cpu: float
    queries: int
    report: services.GenerationReport
    # The longest batch transaction: how long the sweep held the audit chain's head, which
    # every writer waits for (housingfirst.transactions.writing).
    longest_batch: float


@contextmanager
def timed_batches(durations: list[float]):
    """Time each batch's transaction (``writing()`` as the sweep calls it)."""
    original = services.writing

    @contextmanager
    def timed_writing(*args, **kwargs):
        began = time.perf_counter()
        with original(*args, **kwargs):
            yield
        durations.append(time.perf_counter() - began)

    services.writing = timed_writing
    try:
        yield
    finally:
        services.writing = original


def sweep(batch_size: int | None) -> Run:
    """One sweep as the hourly job's command runs it."""
    durations = []
    with (
        CaptureQueriesContext(connection) as captured,
        timed_batches(durations),
        acting_as(services.GENERATION_JOB),
    ):
        cpu, began = cpu_seconds(), time.perf_counter()
        report = services.reminders_generate(batch_size=batch_size)
        elapsed, cpu = time.perf_counter() - began, cpu_seconds() - cpu
    return Run(elapsed, cpu, len(captured), report, max(durations, default=0.0))


def reconcile_seconds() -> tuple[float, float]:
    cpu, began = cpu_seconds(), time.perf_counter()
    corrected = housing_state.reconcile()
    assert not corrected, f"the housing read model was wrong for {len(corrected)} clients"
    return time.perf_counter() - began, cpu_seconds() - cpu


def _plan(sql: str, *, analyze: bool = True, seqscan: bool = True) -> list[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        if not seqscan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {'(ANALYZE, BUFFERS OFF) ' if analyze else ''}{sql}")
        return [row[0] for row in cursor.fetchall()]


# "Index Only Scan Backward using clients_client_pkey on clients_client", "Seq Scan on plans_plan"…
_SCAN = re.compile(r"([A-Z][A-Za-z ]*Scan(?: Backward)?(?: using \S+)? on \S+)")


def _scans(plan: list[str]) -> set[str]:
    """The scans of a plan, table aliases left out."""
    return {found.group(1) for line in plan if (found := _SCAN.search(line))}


def explain_one_batch(batch_size: int) -> None:
    """EXPLAIN ANALYZE every query of one batch of the sweep (a full one, after the sweeps
    timed, so it writes nothing): its planning and execution time and its scans. A table read
    whole is checked again with sequential scans off: if the plan still reads it whole, no
    index serves the query (else the planner preferred the scan, as it does for small tables)."""
    if connection.vendor != "postgresql":
        print("\n(EXPLAIN needs PostgreSQL.)")
        return
    ranges = services.client_id_ranges(batch_size)
    first, last = ranges[(len(ranges) - 1) // 2]
    with CaptureQueriesContext(connection) as captured, acting_as(services.GENERATION_JOB):
        services.reminders_generate(id_range=(first, last))
    print(f"\nThe queries of one batch (clients #{first}–#{last}), their scans and time:")
    print(f"{'':4} {'planning':>10} {'execution':>10}")
    for number, query in enumerate(captured.captured_queries, start=1):
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or "FOR UPDATE" in sql.upper():
            print(f"{number:3}. {'':>21}  {sql[:60]}")
            continue
        plan = _plan(sql)
        planning, execution = (
            next(line.split(":")[1].strip() for line in plan if line.startswith(label))
            for label in ("Planning Time", "Execution Time")
        )
        print(f"{number:3}. {planning:>10} {execution:>10}  {sql[:60]}")
        scans = _scans(plan)
        whole = {scan for scan in scans if scan.startswith("Seq Scan")}
        without_index = whole & _scans(_plan(sql, analyze=False, seqscan=False))
        for scan in sorted(scans):
            if scan in without_index:
                note = "  <-- read whole: no index serves it"
            elif scan in whole:
                note = "  (read whole by choice: an index would serve)"
            else:
                note = ""
            print(f"        {scan}{note}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="Sweeps that change nothing.")
    parser.add_argument(
        "--batch-size", type=int, default=None, help="Default: REMINDER_BATCH_SIZE."
    )
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN the queries of one batch as well."
    )
    args = parser.parse_args()

    clients = Client.objects.count()
    if not clients:
        sys.exit("No clients: seed the database first (seed_demo --clients N).")
    batch_size = args.batch_size or settings.REMINDER_BATCH_SIZE
    print(f"Database: {connection.vendor}, {clients} clients, batches of {batch_size}.", flush=True)
    analyze()
    cpu_seconds()  # finds the backend before anything is timed
    rows = [("first sweep", sweep(args.batch_size))]
    analyze()
    runs = [sweep(args.batch_size) for _ in range(args.repeat)]
    for run in runs:
        assert run.report.created == run.report.resolved == run.report.moved == 0, run.report
    middle = sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]
    rows.append((f"nothing changed (median of {args.repeat})", middle))
    reconcile = sorted(reconcile_seconds() for _ in range(args.repeat))[args.repeat // 2]

    print(
        f"\n{'clients':>8}  {'sweep':34} {'seconds':>8} {'cpu s':>6} {'queries':>8} "
        f"{'created':>8} {'longest batch':>14}"
    )
    for name, run in rows:
        print(
            f"{clients:8}  {name:34} {run.seconds:8.2f} {run.cpu:6.2f} {run.queries:8} "
            f"{run.report.created:8} {run.longest_batch:13.2f}s"
        )
    seconds, cpu = reconcile
    print(f"{clients:8}  {'of which housing reconcile (median)':34} {seconds:8.2f} {cpu:6.2f}")
    print(
        "\n(cpu s: this process's and its PostgreSQL backend's CPU time, about the time on an "
        "idle machine;\n longest batch: the longest the audit chain's lock was held.)"
    )
    if args.explain:
        explain_one_batch(batch_size)


if __name__ == "__main__":
    main()
