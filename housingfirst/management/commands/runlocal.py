"""The one-command local run: web server, Celery worker and beat, stopped together by Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web app with a Celery worker and beat (embedded broker unless REDIS_URL)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        python = sys.executable
        commands = {
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "housingfirst",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
            ],
            "beat": [python, "-m", "celery", "-A", "housingfirst", "beat", "--loglevel=INFO"],
            "web": [python, "manage.py", "runserver", addrport],
        }
        broker = "Redis" if settings.REDIS_URL else "the embedded filesystem broker"
        self.stdout.write(f"Starting web, Celery worker and beat on {broker}. Ctrl-C stops all.")
        # Each child leads its own process group, so stopping one stops what it spawned too.
        children = {
            name: subprocess.Popen(command, start_new_session=True, env=os.environ.copy())
            for name, command in commands.items()
        }
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                exited = [name for name, child in children.items() if child.poll() is not None]
                if exited:
                    self.stderr.write(f"{', '.join(exited)} stopped; stopping the rest.")
                    break
                time.sleep(0.5)
        finally:
            self._stop_all(children)
        self.stdout.write("Stopped web, worker and beat.")

    def _stop_all(self, children):
        # The main process first (Celery shuts down warmly), then whatever it left behind.
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
