"""Benchmark the intake duplicate check (clients/duplicates.py) at scale. Not a test.

Builds ``--clients`` clients with bulk inserts (random names and birth dates, a quarter with
an SSN) in a throwaway database, then times ``possible_duplicates`` for ``--probes`` people
typed with a slip (one letter of the last name changed, and every other probe with two
digits of the birth date swapped). Reports the median and the 95th percentile, and how often
the typed person found the record it was made from.

    createdb hf_dup
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hf_dup \\
        .venv/bin/python benchmarks/duplicate_check.py --clients 100000
    VAR_DIR=/tmp/hf-dup .venv/bin/python benchmarks/duplicate_check.py --clients 20000
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta

from django_setup import setup  # noqa: E402 (benchmarks/, next to this script)

setup()

from django.core.management import call_command  # noqa: E402

from clients.duplicates import possible_duplicates  # noqa: E402
from clients.models import Client  # noqa: E402

FIRST = "Maria Jose Luis Ana Carlos Joseph Mary James Linda David Aisha Wei Fatima Omar".split()
LAST = "Garcia Smith Johnson Castillo Nguyen Brown Lopez Williams Kim Patel Jones Rivera".split()


def build(count: int, rng: random.Random) -> None:
    start = date(1940, 1, 1)
    batch = []
    for n in range(count):
        batch.append(
            Client(
                first_name=rng.choice(FIRST),
                last_name=f"{rng.choice(LAST)}{rng.choice(['', 'a', 'o', 'ez', 'son', 's'])}",
                date_of_birth=start + timedelta(days=rng.randrange(365 * 60)),
                ssn=f"{rng.randrange(10**9):09d}" if n % 4 == 0 else "",
            )
        )
        if len(batch) == 5000:
            Client.objects.bulk_create(batch)  # no history: a throwaway benchmark database
            batch = []
    Client.objects.bulk_create(batch)


def typed_with_a_slip(client: Client, rng: random.Random, n: int) -> dict:
    last = list(client.last_name)
    last[rng.randrange(1, len(last))] = rng.choice("aeiou")
    born = client.date_of_birth
    if n % 2:
        digits = born.strftime("%Y%m%d")
        swapped = digits[:6] + digits[7] + digits[6]
        try:
            born = date(int(swapped[:4]), int(swapped[4:6]), int(swapped[6:]))
        except ValueError:
            pass
    return {"first_name": client.first_name, "last_name": "".join(last), "date_of_birth": born}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    if Client.objects.exists():
        sys.exit("Use a throwaway database: this one already holds clients.")
    started = time.monotonic()
    build(args.clients, rng)
    print(f"{args.clients} clients built in {time.monotonic() - started:.1f}s")
    sample = list(Client.objects.order_by("?")[: args.probes])
    timings, found = [], 0
    for n, client in enumerate(sample):
        person = typed_with_a_slip(client, rng, n)
        began = time.perf_counter()
        matches = possible_duplicates(**person)
        timings.append((time.perf_counter() - began) * 1000)
        found += any(match.client.pk == client.pk for match in matches)
    timings.sort()
    print(
        f"duplicate check: median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms over {len(timings)} probes; "
        f"the original record found in {found}/{len(timings)}"
    )


if __name__ == "__main__":
    main()
