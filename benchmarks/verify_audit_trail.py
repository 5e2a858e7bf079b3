"""Benchmark verify_audit_trail: links verified per second and peak memory, for a whole run
and for the nightly resumed run. Not part of the test suite.

It builds links through the app's own bulk path (bulk_create_with_history, sealed into the
audit chain like any write), up to each size in ``--sizes``, and after each size runs the
verifier in a fresh process (so its peak RSS is the verifier's own): a whole run, then a
resumed run over the links of "one more day" (1 % more). ``--existing`` measures the current
database instead (e.g. after ``seed_demo --clients 100000``).

Use a throwaway database; the script refuses one that already holds clients:

    createdb hf_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hf_bench \\
        .venv/bin/python benchmarks/verify_audit_trail.py --sizes 1000,10000,100000
    DATABASE_URL=… .venv/bin/python benchmarks/verify_audit_trail.py --existing
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from django_setup import setup  # noqa: E402 (benchmarks/, next to this script)

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from clients.models import Client  # noqa: E402
from housingfirst.audit import acting_as, change_reason  # noqa: E402
from housingfirst.audit_log import verification  # noqa: E402
from housingfirst.models import ChangeLogEntry  # noqa: E402

BATCH = 5000


def build_to(links: int) -> None:
    """Add clients (one sealed history row, one link, each) until the chain holds ``links``."""
    missing = links - ChangeLogEntry.objects.count()
    made = Client.objects.count()
    with acting_as("benchmark"):
        for first in range(0, max(missing, 0), BATCH):
            batch = [
                Client(first_name=f"Bench{n}", last_name=f"Client{n % 997}", goals="A home")
                for n in range(made + first, made + min(first + BATCH, missing))
            ]
            with transaction.atomic(), change_reason("Intake"):
                bulk_create_with_history(batch, Client, batch_size=BATCH)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def verify(resume: bool) -> dict:
    """One run in this process: what a child reports to its parent, as JSON."""
    before = _peak_rss_mb()
    began, cpu = time.perf_counter(), time.process_time()
    outcome = verification.run_verification(triggered_by="benchmark", resume=resume)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    links = outcome.record.links_checked
    return {
        "ok": outcome.ok,
        "problem": outcome.record.problem,
        "links": links,
        "seconds": elapsed,
        "cpu": cpu,
        "rate": links / max(elapsed, 1e-9),
        "rss_before": before,
        "rss_peak": _peak_rss_mb(),
    }


def in_child(resume: bool) -> dict:
    command = [sys.executable, __file__, "--child", "resume" if resume else "full"]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def row(size: str, kind: str, measured: dict) -> str:
    status = "ok" if measured["ok"] else f"BROKEN: {measured['problem'][:60]}"
    return (
        f"| {size:>9} | {kind:7} | {measured['links']:>9,} | {measured['seconds']:7.2f} "
        f"| {measured['cpu']:7.2f} | {measured['rate']:>9,.0f} | {measured['rss_peak']:7.0f} "
        f"| {measured['rss_peak'] - measured['rss_before']:6.0f} | {status} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="links, comma-separated")
    parser.add_argument("--existing", action="store_true", help="measure the current database")
    parser.add_argument("--child", choices=["full", "resume"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(verify(resume=args.child == "resume")))
        return

    print(f"Database: {connection.vendor}.")
    header = (
        "| links     | run     | checked   | seconds | CPU s   | links/s   | peak MB | growth "
        "| result |\n|---|---|---|---|---|---|---|---|---|"
    )
    if args.existing:
        print(header)
        print(row(f"{ChangeLogEntry.objects.count():,}", "full", in_child(resume=False)))
        return
    call_command("migrate", verbosity=0)  # (not on --existing: a migrate may backfill rows)
    if Client.objects.exists():
        sys.exit("This database already holds clients: use a throwaway database.")
    lines = []
    for size in sorted(int(n) for n in args.sizes.split(",")):
        began = time.monotonic()
        build_to(size)
        print(f"  built {size:,} links in {time.monotonic() - began:.0f}s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        lines.append(row(f"{size:,}", "full", in_child(resume=False)))
        build_to(ChangeLogEntry.objects.count() + size // 100)  # one more day's links
        lines.append(row(f"{size:,}", "resume", in_child(resume=True)))
        print(lines[-2], lines[-1], sep="\n", flush=True)
    print(
        "\nseconds: wall time (links/s from it); CPU s: the verifier process's own CPU time "
        "(the rest is PostgreSQL and other load on the machine). peak MB: the verifier "
        "process's peak RSS, Django included; growth: over its peak before the run. resume: "
        "the nightly run over 1 % new links since the whole run."
    )
    print(f"Load average: {os.getloadavg()[0]:.1f}\n")
    print(header)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
