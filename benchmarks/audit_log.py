"""Benchmark the auditor's change log at scale: page 1, a deep page, filtered pages, and the
memory of a streamed CSV export. Not part of the test suite.

It builds history through the app's own bulk path (bulk_update_with_history, sealed into the
audit chain like any write): ``--clients`` clients, then ``--rounds`` rounds of changes to all
of them, so rows = clients × (rounds + 1). Each round is one day; within a day the changes are
spread over the hours and over a few staff members.

Use a throwaway database; the script refuses one that already holds clients:

    createdb hf_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hf_bench \\
        .venv/bin/python benchmarks/audit_log.py --clients 100000 --rounds 9    # 1,000,000 rows
    VAR_DIR=/tmp/hf-bench .venv/bin/python benchmarks/audit_log.py --clients 20000 --rounds 4
"""

import argparse
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta

from django_setup import setup  # noqa: E402 (benchmarks/, next to this script)

setup()

from browsers import signed_in_browser  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from simple_history.utils import bulk_create_with_history, bulk_update_with_history  # noqa: E402

from clients.models import Client  # noqa: E402
from housingfirst.audit import acting_as, change_reason  # noqa: E402
from housingfirst.audit_log import changelog  # noqa: E402
from housingfirst.models import ChangeLogEntry  # noqa: E402
from housingfirst.roles import Role  # noqa: E402

BATCH = 5000


def build(clients: int, rounds: int):
    User = get_user_model()
    staff = [
        User.objects.create(username=f"bench-staff{n}", first_name="Bench", last_name=f"Staff{n}")
        for n in range(8)
    ]
    auditor = User.objects.create(username="bench-auditor", first_name="Bench", last_name="Auditor")
    auditor.groups.add(Group.objects.get(name=Role.AUDITOR.value))
    # Auditors sign in with a second step: a confirmed app, as the demo's auditor has.
    TOTPDevice.objects.create(user=auditor, name="benchmark", confirmed=True)
    start = timezone.now() - timedelta(days=rounds + 2)
    built = time.monotonic()
    with acting_as("benchmark"):
        for first in range(0, clients, BATCH):
            batch = []
            for n in range(first, min(first + BATCH, clients)):
                client = Client(first_name=f"Bench{n}", last_name=f"Client{n % 997}")
                client._history_date = start + timedelta(seconds=n * 40_000 / clients)
                client._history_user = staff[n % len(staff)]
                batch.append(client)
            with transaction.atomic(), change_reason("Intake"):
                bulk_create_with_history(batch, Client, batch_size=BATCH)
        print(f"  {clients} clients: {time.monotonic() - built:.0f}s", flush=True)
        ids = list(Client.objects.order_by("pk").values_list("pk", flat=True))
        for day in range(1, rounds + 1):
            for first in range(0, len(ids), BATCH):
                batch = list(Client.objects.filter(pk__in=ids[first : first + BATCH]))
                for n, client in enumerate(batch, start=first):
                    client.goals = f"Goal revised on day {day}"
                    client.version += 1
                    client._history_date = start + timedelta(days=day, seconds=n * 40_000 / clients)
                    client._history_user = staff[(n + day) % len(staff)]
                # History rows only (fields=[]): the benchmark reads history, and Django's
                # bulk_update of the live rows would dominate the build time.
                with transaction.atomic(), change_reason(f"Review day {day}"):
                    bulk_update_with_history(batch, Client, [], batch_size=BATCH)
            print(
                f"  round {day}: {ChangeLogEntry.objects.count()} rows, "
                f"{time.monotonic() - built:.0f}s",
                flush=True,
            )
    return auditor, staff, start


def existing(args):
    """The staff, auditor and start of a benchmark database built earlier."""
    User = get_user_model()
    staff = list(User.objects.filter(username__startswith="bench-staff").order_by("pk"))
    auditor = User.objects.get(username="bench-auditor")
    args.clients = Client.objects.count()
    args.rounds = Client.history.count() // args.clients - 1
    start = Client.history.order_by("history_date").values_list("history_date", flat=True)[0]
    return auditor, staff, start


def timed(browser, path, params=None, repeat=5):
    samples, queries, response = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = browser.get(path, params or {})
            samples.append((time.perf_counter() - began) * 1000)
        queries = len(captured)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples), queries, response


def _rss() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def export(browser, params, *, trace: bool):
    """Stream one export; with ``trace``, the tracemalloc peak, else the time and RSS growth."""
    if trace:
        tracemalloc.start()
    rss_before = rss_peak = _rss()
    began = time.perf_counter()
    response = browser.get("/audit/export/", params)
    rows = size = 0
    for n, chunk in enumerate(response.streaming_content):
        rows += chunk.count(b"\n")
        size += len(chunk)
        if n % 2000 == 0:
            rss_peak = max(rss_peak, _rss())
    elapsed = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    return rows - 1, size, elapsed, peak, rss_peak - rss_before


def explain(queryset, when, before=None):
    if connection.vendor != "postgresql":
        return ""
    if before is not None:
        queryset = changelog._seek(queryset, when, *changelog.decode_cursor(before), older=True)
    text = queryset.order_by(f"-{when}", "-pk")[:51].explain(analyze=True)
    scan = next((line.strip() for line in text.splitlines() if "Scan" in line), "")
    total = next((line.strip() for line in text.splitlines() if "Execution Time" in line), "")
    return f"{scan.split('(')[0].strip()} · {total}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="Measure a database this script built before (skip building).",
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if args.measure_only:
        auditor, staff, start = existing(args)
    else:
        if Client.objects.exists():
            sys.exit("This database already holds clients: use a throwaway database.")
        print(f"Database: {connection.vendor}. Building history…", flush=True)
        began = time.monotonic()
        auditor, staff, start = build(args.clients, args.rounds)
        print(f"Built the history in {time.monotonic() - began:.0f}s.")
    total = ChangeLogEntry.objects.count()
    print(f"{total} history rows (sealed).")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    browser = signed_in_browser(auditor)
    browser.get("/audit/")  # warm caches

    links = changelog.change_log_links(changelog.Filters())
    deep_link = links.order_by("-history_date", "-pk")[int(total * 0.9)]
    deep = changelog.encode_cursor(deep_link.history_date, deep_link.pk)
    some_client = Client.objects.order_by("pk")[args.clients // 2]
    day = (
        (start + timedelta(days=max(1, args.rounds // 2)))
        .astimezone(timezone.get_current_timezone())
        .date()
    )
    cases = [
        ("page 1", {}, None, changelog.Filters()),
        ("deep page (90% down)", {"before": deep}, deep, changelog.Filters()),
        ("filter: person", {"person": staff[3].pk}, None, changelog.Filters(people=[staff[3]])),
        ("filter: person, deep", {"person": staff[3].pk, "before": deep}, deep,
         changelog.Filters(people=[staff[3]])),
        ("filter: client", {"client": str(some_client.pk)}, None,
         changelog.Filters(client_ids=[some_client.pk])),
        ("filter: type + kind", {"record_type": "clients.client", "kind": "created"}, None,
         changelog.Filters(model=Client, kind="created")),
        ("filter: one day", {"date_from": day.isoformat(), "date_to": day.isoformat()}, None,
         changelog.Filters(date_from=day, date_to=day)),
    ]  # fmt: skip
    print(f"\n{'page':28} {'median ms':>10} {'queries':>8}  plan (PostgreSQL)")
    for name, params, cursor, filters in cases:
        median, queries, response = timed(browser, "/audit/", params)
        items = response.content.count(b'class="history-entry')
        plan = explain(changelog.change_log_links(filters), "history_date", cursor)
        print(f"{name:28} {median:10.1f} {queries:8}  {plan} [{items} entries]")
    median, queries, _ = timed(browser, "/audit/access/")
    print(f"{'access log, page 1':28} {median:10.1f} {queries:8}")

    print("\nStreaming CSV export (time and RSS in one pass, tracemalloc peak in another):")
    local = timezone.get_current_timezone()
    last_day = (start + timedelta(days=args.rounds)).astimezone(local).date()
    days_needed = max(1, -(-args.export_rows // args.clients))
    exports = [
        ("one client", {"client": str(some_client.pk)}),
        ("one day", {"date_from": last_day.isoformat(), "date_to": last_day.isoformat()}),
        (
            f"~{args.export_rows} rows",
            {
                "date_from": (last_day - timedelta(days=days_needed - 1)).isoformat(),
                "date_to": last_day.isoformat(),
            },
        ),
    ]
    for label, params in exports:
        rows, size, elapsed, _, rss_growth = export(browser, params, trace=False)
        *_, peak, _ = export(browser, params, trace=True)
        print(
            f"  {label:12} {rows:>8} rows, {size / 1e6:6.1f} MB of CSV in {elapsed:6.1f}s "
            f"({rows / max(elapsed, 1e-9):,.0f} rows/s); Python heap peak {peak / 1e6:5.1f} MB, "
            f"RSS growth {rss_growth / 1e6:5.1f} MB"
        )


if __name__ == "__main__":
    main()
