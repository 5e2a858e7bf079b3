"""Django set up for a benchmark script, run as ``python benchmarks/NAME.py`` from the
project's root: settings from the environment (``DATABASE_URL``…), DEBUG off so Django keeps
no query log (it would grow with what is measured), and harmless defaults for the rest."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housingfirst.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnop")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("AXES_ENABLED", "0")

    import django

    django.setup()
