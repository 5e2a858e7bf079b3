"""Benchmark the supervisors' pages (and the pages around them) at a program's size: each
page's server time and SQL queries, against a raw-SQL baseline, and optionally requests per
second under gunicorn. Prints markdown tables. Not part of the test suite (issue 19).

One database per size. With ``--clients 1000,10000,100000`` the script uses the databases
``<prefix>_1000``, ``<prefix>_10000``… on DATABASE_URL's server (``--database-prefix``; by
default DATABASE_URL's own database name). A missing database is created, migrated and seeded
(``seed_demo --clients N``, with DEBUG on as the demo needs; 10,000 clients take ~40 s). One
that already holds clients is measured as it is only with ``--reuse`` (after a migrate): the
script never drops a database, drop it yourself to seed it again. Each size is measured in a
child process of its own, pointed at its database. Without ``--clients`` it measures
DATABASE_URL's database as it is (it must hold the demo program): one column.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hf_bench \\
        .venv/bin/python benchmarks/pages.py --clients 1000,10000,100000 --gunicorn
    DATABASE_URL=… .venv/bin/python benchmarks/pages.py --clients 1000 --reuse
    DATABASE_URL=postgres://…/a_seeded_db .venv/bin/python benchmarks/pages.py

Per page, signed in with the test client's ``force_login`` (an auditor's session marked past
the second step for their confirmed app, as tests/two_factor.py does): the time around the
request in process (middleware, view, template and the database's time), median of
``--repeat`` runs after one warm-up, and the SQL queries of one request. "× baseline": the
page's time over its baseline's, a view of benchmarks/bench_urls.py that renders the same rows
from one hand-written query with a plain template behind the same middleware (whose session,
user and role queries are 3 of its 4). The change log's "page 50" is reached by following
"Older" 49 times: its pages are keyset cursors, ``?page=`` is not read.

``--gunicorn``: ``gunicorn housingfirst.wsgi -w 2`` (sync workers, which close every
connection after its response) on a free port, with ``benchmarks.bench_settings`` (the app's
settings, the URLs of bench_urls), signed in as casemanager1 by a session the script writes;
``--threads`` threads request one URL in a loop for ``--seconds``: the client page, its
baseline, and the bare view (the middleware alone). The load loop runs on the same machine
and takes some of its CPU: compare the three, not the absolute figures across machines.
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from urllib.parse import urlsplit, urlunsplit

# The app's settings with the benchmark's URLs (baselines, bare view): benchmarks/bench_urls.py.
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

from django_setup import ROOT, setup  # noqa: E402 (benchmarks/, next to this script)

# Static files are not collected for a benchmark (whitenoise says so once per process).
warnings.filterwarnings("ignore", "No directory at", UserWarning)
setup()

from browsers import BACKEND, signed_in_browser  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clients.models import Client  # noqa: E402
from housingfirst.audit_log import changelog  # noqa: E402

# seed_demo makes its small program's few dozen clients besides the --clients N.
DEMO_EXTRA_CLIENTS = range(0, 100)


# Databases: one per size ---------------------------------------------------------------------


def database_url(base: str, name: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def demo_clients(url: str) -> int | None:
    """How many clients the database holds (None before migrations)."""
    with _connect(url) as db:
        exists = db.execute("SELECT to_regclass('clients_client')").fetchone()[0]
        return db.execute("SELECT count(*) FROM clients_client").fetchone()[0] if exists else None


def manage(url: str, *arguments: str, debug: bool = False) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1" if debug else "0"}
    env["DJANGO_SETTINGS_MODULE"] = "housingfirst.settings"
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *arguments], env=env, check=True)


def prepare(base_url: str, prefix: str, clients: int, reuse: bool) -> str:
    """The URL of the database for this size, created, migrated and seeded when needed."""
    from psycopg import sql

    name = f"{prefix}_{clients}"
    url = database_url(base_url, name)
    with _connect(database_url(base_url, "postgres")) as server:
        found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            print(f"{name}: creating the database", flush=True)
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    held = demo_clients(url)
    if held:
        if not reuse:
            sys.exit(
                f"{name} already holds {held:,} clients: pass --reuse to measure it as it is, "
                f"or drop it (dropdb {name}) to seed it again."
            )
        if held - clients not in DEMO_EXTRA_CLIENTS:
            print(f"{name}: warning: {held:,} clients, not seeded with --clients {clients}?")
        manage(url, "migrate", "-v0")
        return url
    print(f"{name}: migrating and seeding {clients:,} clients", flush=True)
    began = time.monotonic()
    manage(url, "migrate", "-v0")
    manage(url, "seed_demo", "--clients", str(clients), debug=True)
    print(f"{name}: ready in {time.monotonic() - began:.0f}s", flush=True)
    return url


# Measuring in process ------------------------------------------------------------------------


def browser_for(username: str) -> Browser:
    return signed_in_browser(get_user_model().objects.get(username=username))


def timed(browser: Browser, path: str, repeat: int) -> dict:
    """Median server time (ms) of ``repeat`` requests after a warm-up, and one request's
    queries; a failing page gives its status or error instead."""
    samples, queries = [], 0
    try:
        for run in range(repeat + 1):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = browser.get(path)
                elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                return {"error": f"HTTP {response.status_code} {response.get('Location', '')}"}
            if run:
                samples.append(elapsed)
            queries = len(captured)
    except Exception as error:  # a 500: the test client raises the view's exception
        return {"error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
    return {"ms": statistics.median(samples), "queries": queries}


def change_log_cursor(page: int) -> tuple[int, str | None]:
    """The "Older" cursor of the change log's page ``page`` (or of its last page)."""
    links = changelog.change_log_links(changelog.Filters())
    cursor, reached = None, 1
    while reached < page:
        older = changelog.keyset_page(
            links, "history_date", before=cursor, size=settings.AUDIT_LOG_PAGE_SIZE
        ).older
        if older is None:
            break
        cursor, reached = older, reached + 1
    return reached, cursor


def pages_to_measure(client_id: int, audit_page: int, audit_cursor: str | None) -> list:
    """(who, page label, path, baseline path or None)."""
    deep = f"/audit/?before={audit_cursor}" if audit_cursor else "/audit/"
    return [
        ("supervisor1", "/ (home)", "/", "/bench/baseline/team/"),
        ("supervisor1", "/caseloads/", "/caseloads/", "/bench/baseline/team/"),
        ("supervisor1", "/caseloads/outcomes/", "/caseloads/outcomes/", None),
        ("supervisor1", "/caseloads/export.csv", "/caseloads/export.csv", None),
        ("supervisor1", "/reminders/", "/reminders/", None),
        ("supervisor1", "/clients/?q=Garcia", "/clients/?q=Garcia", None),
        ("director", "/ (home)", "/", "/bench/baseline/team/"),
        ("director", "/caseloads/", "/caseloads/", "/bench/baseline/team/"),
        ("auditor", "/audit/ (page 1)", "/audit/", None),
        ("auditor", f"/audit/ (page {audit_page})", deep, None),
        ("auditor", "/audit/access/", "/audit/access/", None),
        ("casemanager1", "/clients/", "/clients/", "/bench/baseline/clients/"),
        (
            "casemanager1",
            "/clients/<id>/",
            f"/clients/{client_id}/",
            f"/bench/baseline/clients/{client_id}/",
        ),
    ]


def sample_client(username: str) -> Client:
    """One of this case manager's housed clients with the most contacts (a full page)."""
    return (
        Client.objects.filter(case_manager__username=username, housing_state__status="housed")
        .annotate(contact_count=Count("contacts"))
        .order_by("-contact_count", "pk")
        .first()
    ) or Client.objects.filter(case_manager__username=username).order_by("pk").first()


def measure(args) -> dict:
    if connection.vendor != "postgresql":
        sys.exit("The baselines are PostgreSQL SQL: use a PostgreSQL DATABASE_URL.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = sample_client("casemanager1")
    audit_page, audit_cursor = change_log_cursor(args.audit_page)
    browsers, baselines, rows = {}, {}, []
    for who, label, path, baseline in pages_to_measure(client.pk, audit_page, audit_cursor):
        if who not in browsers:
            browsers[who] = browser_for(who)
        browser = browsers[who]
        row = {"who": who, "page": label, **timed(browser, path, args.repeat)}
        if baseline:
            if (who, baseline) not in baselines:
                baselines[who, baseline] = timed(browser, baseline, args.repeat)
            row["baseline"] = baselines[who, baseline]
        rows.append(row)
        shown = f"{row['ms']:8.1f} ms" if "ms" in row else row["error"]
        print(f"  {who:13} {label:28} {shown}", file=sys.stderr, flush=True)
    result = {
        "database": connection.settings_dict["NAME"],
        "clients": Client.objects.count(),
        "rows": rows,
        "load": os.getloadavg()[0],
    }
    if args.gunicorn:
        result["gunicorn"] = throughput(args, client.pk)
    return result


# Throughput under gunicorn -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_cookie(username: str) -> str:
    """A signed-in session, as the sign-in page would leave it, for a case manager (no second
    step); the idle timeout's refresh is stamped now."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from housingfirst.middleware import SESSION_REFRESHED_AT

    user = get_user_model().objects.get(username=username)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_REFRESHED_AT] = int(time.time())
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def load(port: int, path: str, cookie: str, seconds: float, threads: int) -> dict:
    """Requests per second over ``seconds``: ``threads`` threads, each requesting ``path`` in a
    loop on its own connection (kept open when the server keeps it), after a short warm-up."""
    headers = {"Cookie": cookie}
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(10):
        warm.request("GET", path, headers=headers)
        warm.getresponse().read()
    warm.close()

    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        server = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        ok = failed = 0
        while time.monotonic() < deadline:
            try:
                server.request("GET", path, headers=headers)
                response = server.getresponse()
                response.read()
                ok, failed = (ok + 1, failed) if response.status == 200 else (ok, failed + 1)
            except (OSError, http.client.HTTPException):
                failed += 1
                server.close()
        server.close()
        with lock:
            counts["ok"] += ok
            counts["failed"] += failed

    began = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"rps": counts["ok"] / (time.monotonic() - began), **counts}


def throughput(args, client_id: int) -> dict:
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings", "DEBUG": "0"}
    env["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"  # as above, in each worker
    command = [
        sys.executable, "-m", "gunicorn", "housingfirst.wsgi", "-w", str(args.workers),
        "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT),
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    try:
        began = time.monotonic()
        while True:  # up when it answers anything (the bare view sends signed-out people away)
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() - began > 60:
                    sys.exit("gunicorn did not start")
                time.sleep(0.2)
        cookie = session_cookie("casemanager1")
        results = {}
        for name, path in [
            ("client page", f"/clients/{client_id}/"),
            ("baseline client page", f"/bench/baseline/clients/{client_id}/"),
            ("bare view", "/bench/bare/"),
        ]:
            results[name] = load(port, path, cookie, args.seconds, args.threads)
            print(f"  gunicorn {name:22} {results[name]['rps']:8.1f} req/s", file=sys.stderr)
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


# Tables --------------------------------------------------------------------------------------


def cell(measured: dict) -> tuple[str, str]:
    if "error" in measured:
        return f"**{measured['error']}**", "–"
    return f"{measured['ms']:.1f}", str(measured["queries"])


def ratio(row: dict) -> str:
    baseline = row.get("baseline")
    if not baseline or "ms" not in row or "ms" not in baseline:
        return "–"
    return f"{row['ms'] / baseline['ms']:.1f}× ({baseline['ms']:.1f} ms, {baseline['queries']} q)"


def print_tables(results: list[dict], args) -> None:
    sizes = [result["size"] for result in results]
    print()
    for result in results:
        print(
            f"- {result['size']}: database {result['database']}, {result['clients']:,} clients "
            f"in all, load average {result['load']:.1f} after the pages"
        )
    print(
        f"\nServer time in ms (median of {args.repeat} after a warm-up), SQL queries of one "
        "request, and × baseline: the page's time over its one-query baseline's.\n"
    )
    header = "| page | as |" + "".join(f" {size}: ms | queries | × baseline |" for size in sizes)
    print(header)
    print("|---|---|" + "---:|---:|---|" * len(results))
    for n, first in enumerate(results[0]["rows"]):
        line = f"| {first['page']} | {first['who']} |"
        for result in results:
            row = result["rows"][n]
            ms, queries = cell(row)
            line += f" {ms} | {queries} | {ratio(row)} |"
        print(line)
    if args.gunicorn:
        print(
            f"\nThroughput under gunicorn ({args.workers} sync workers, {args.threads} client "
            f"threads, {args.seconds:.0f} s each, as casemanager1):\n"
        )
        print("| size | client page req/s | baseline req/s | bare view req/s | bare ÷ page |")
        print("|---|---:|---:|---:|---:|")
        for size, result in zip(sizes, results, strict=True):
            measured = result["gunicorn"]
            page, baseline, bare = (
                measured[name]["rps"]
                for name in ("client page", "baseline client page", "bare view")
            )
            failed = sum(m["failed"] for m in measured.values())
            note = f" ({failed} failed requests)" if failed else ""
            print(
                f"| {size}{note} | {page:.1f} | {baseline:.1f} | {bare:.1f} | "
                f"{bare / page if page else float('inf'):.1f}× |"
            )


def in_child(url: str, args) -> dict:
    command = [sys.executable, __file__, "--child", "--repeat", str(args.repeat)]
    command += ["--audit-page", str(args.audit_page)]
    if args.gunicorn:
        command += ["--gunicorn", "--seconds", str(args.seconds), "--threads", str(args.threads)]
        command += ["--workers", str(args.workers)]
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", help="sizes, comma-separated: one database each")
    parser.add_argument("--database-prefix", help="default: DATABASE_URL's database name")
    parser.add_argument("--reuse", action="store_true", help="measure seeded databases as they are")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--audit-page", type=int, default=50)
    parser.add_argument("--gunicorn", action="store_true", help="also measure requests/s")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (postgres://…).")
    if args.clients:
        prefix = args.database_prefix or database_name(base_url)
        sizes = sorted(int(size) for size in re.split(r"[,\s]+", args.clients.strip()))
        targets = [(f"{size:,}", prepare(base_url, prefix, size, args.reuse)) for size in sizes]
    else:
        targets = [(None, base_url)]
    results = []
    for size, url in targets:
        print(f"Measuring {database_name(url)}…", file=sys.stderr, flush=True)
        result = in_child(url, args)
        result["size"] = f"{size or format(result['clients'], ',')} clients"
        results.append(result)
    print_tables(results, args)


if __name__ == "__main__":
    main()
