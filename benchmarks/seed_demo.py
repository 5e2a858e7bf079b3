"""Benchmark ``seed_demo --clients N``: time, memory and history rows per program size. Not part
of the test suite.

For each N in ``--clients``, a throwaway PostgreSQL database (``PREFIX_N``, copied from a
migrated ``PREFIX_template``) is seeded by ``manage.py seed_demo --clients N`` in a child
process. The table shows the child's wall time (Django's start included) and the seed's own,
the child's CPU time and peak RSS, the database server's CPU time for the seed's connection
(when its process is readable on this machine), the history rows written and the links sealed
(every history row must have one). ``--verify`` also runs ``verify_audit_trail`` on each.

The databases are made on the server of ``DATABASE_URL`` (its own database is not touched) and
dropped afterwards unless ``--keep``; only names starting with ``hf_bench_`` are ever dropped:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/seed_demo.py --clients 1000,10000
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django_setup import ROOT, setup  # noqa: E402 (benchmarks/, next to this script)

setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from psycopg import sql  # noqa: E402

from housingfirst.audit_log import registry  # noqa: E402
from housingfirst.models import ChangeLogEntry  # noqa: E402

SAFE_PREFIX = "hf_bench_"


def _server() -> dict:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("seed_demo's large program is benchmarked on PostgreSQL: set DATABASE_URL.")
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": str(database["PORT"] or 5432),
        "user": database["USER"],
        "password": database["PASSWORD"] or "",
    }


def _connect(server: dict, name: str):
    return psycopg.connect(dbname=name, autocommit=True, **server)


def _url(server: dict, name: str) -> str:
    password = f":{server['password']}" if server["password"] else ""
    return f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"


def _drop(server: dict, name: str) -> None:
    if not name.startswith(SAFE_PREFIX):  # never anybody else's database
        raise ValueError(f"refusing to drop {name}")
    with _connect(server, "postgres") as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _create(server: dict, name: str, template: str | None = None) -> None:
    _drop(server, name)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _connect(server, "postgres") as connection:
        connection.execute(statement)


def _manage(server: dict, name: str, *arguments, output=None, debug: bool = False):
    environment = {**os.environ, "DATABASE_URL": _url(server, name), "DEBUG": "1" if debug else "0"}
    command = [sys.executable, str(ROOT / "manage.py"), *arguments]
    return subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)


def _process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process on this machine, or None if unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerCpu(threading.Thread):
    """Follows the server processes of one database's connections while a child runs, and
    adds up their CPU time (best effort: the server must run on this machine)."""

    def __init__(self, server: dict, name: str):
        super().__init__(daemon=True)
        self.server, self.name = server, name
        self.seen: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        with _connect(self.server, "postgres") as connection:
            while not self.done.wait(0.2):
                rows = connection.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.name]
                ).fetchall()
                for (pid,) in rows:
                    cpu = _process_cpu(pid)
                    if cpu is not None:
                        self.seen[pid] = cpu

    def seconds(self) -> float | None:
        self.done.set()
        self.join()
        return sum(self.seen.values()) if self.seen else None


def seed(server: dict, name: str, clients: int) -> dict:
    watcher = ServerCpu(server, name)
    watcher.start()
    with tempfile.TemporaryFile(mode="w+") as output:
        began = time.perf_counter()
        child = _manage(
            server, name, "seed_demo", "--clients", str(clients), output=output, debug=True
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - began
        output.seek(0)
        text = output.read()
    server_cpu = watcher.seconds()
    if child.returncode:
        sys.exit(f"seed_demo --clients {clients} failed:\n{text}")
    reported = re.search(r"clients in ([\d.]+)s", text)
    return {
        "seconds": elapsed,
        "seed_seconds": float(reported.group(1)) if reported else None,
        "cpu": usage.ru_utime + usage.ru_stime,
        "server_cpu": server_cpu,
        "peak_mb": usage.ru_maxrss / 1024,  # KiB on Linux
    }


def history_rows(server: dict, name: str) -> tuple[int, int]:
    """(history rows of every audited model, links of the history chain) in that database."""
    tables = [registry.history_model_for(m)._meta.db_table for m in registry.audited_models()]
    with _connect(server, name) as connection:
        count = sum(
            connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        )
        links = connection.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(ChangeLogEntry._meta.db_table))
        ).fetchone()[0]
    return count, links


def verify(server: dict, name: str) -> tuple[bool, float]:
    began = time.perf_counter()
    child = _manage(server, name, "verify_audit_trail", output=subprocess.DEVNULL)
    return child.wait() == 0, time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1000,10000,100000", help="comma-separated sizes")
    parser.add_argument("--prefix", default="hf_bench_seed", help="of the throwaway databases")
    parser.add_argument("--keep", action="store_true", help="keep the seeded databases")
    parser.add_argument("--verify", action="store_true", help="run verify_audit_trail on each")
    args = parser.parse_args()
    if not args.prefix.startswith(SAFE_PREFIX):
        sys.exit(f"--prefix must start with {SAFE_PREFIX!r} (the databases are dropped).")
    server = _server()
    template = f"{args.prefix}_template"
    _create(server, template)
    migrate = _manage(server, template, "migrate", "--no-input", "-v0")
    if migrate.wait():
        sys.exit("migrate failed")

    header = (
        "| clients | seconds | seed s | CPU s | server CPU s | peak MB | history rows "
        "| rows/client | sealed |" + (" verified |" if args.verify else "")
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for clients in (int(n) for n in args.clients.split(",")):
        name = f"{args.prefix}_{clients}"
        _create(server, name, template)
        measured = seed(server, name, clients)
        rows, links = history_rows(server, name)
        server_cpu = measured["server_cpu"]
        server_cpu = f"{server_cpu:12.1f}" if server_cpu is not None else f"{'?':>12}"
        line = (
            f"| {clients:>7,} | {measured['seconds']:7.1f} | {measured['seed_seconds'] or 0:6.1f} "
            f"| {measured['cpu']:5.1f} | {server_cpu} "
            f"| {measured['peak_mb']:7.0f} | {rows:>12,} | {rows / (clients + 31):11.1f} "
            f"| {'all' if links == rows else f'{links:,}'} |"
        )
        if args.verify:
            ok, seconds = verify(server, name)
            line += f" {'ok' if ok else 'BROKEN'} in {seconds:.0f}s |"
        lines.append(line)
        print(line, flush=True)
        if not args.keep:
            _drop(server, name)
    if not args.keep:
        _drop(server, template)
    print(
        "\nseconds: the child process's wall time, Django's start included; seed s: the time "
        "seed_demo reports; CPU s: the child's own CPU time; server CPU s: PostgreSQL's, for "
        "the seed's connection (the rest of the wall time is other load on the machine). peak "
        "MB: the child's peak RSS. history rows: every audited model's history table; "
        "rows/client: over the large program and the 31 clients of the small one; sealed: "
        "links of the audit chain ('all': one per history row)."
    )
    print(f"Load average: {os.getloadavg()[0]:.1f}\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
